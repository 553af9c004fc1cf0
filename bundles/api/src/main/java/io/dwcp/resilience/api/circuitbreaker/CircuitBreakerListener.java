package io.dwcp.resilience.api.circuitbreaker;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Learns every state change of circuit breakers (whiteboard: register it as a service). The
 * service property {@value #OPERATION} (String or String[]) limits it to some operations; absent or
 * {@code *} means all.
 *
 * <p>Called in the order of the changes, on a thread of the breaker bundle, never on the caller's
 * thread; a listener that throws is logged and does not affect the breaker.
 */
@ConsumerType
@FunctionalInterface
public interface CircuitBreakerListener {

    /** Service property: operation name(s) to listen to; absent means all. */
    String OPERATION = "dwcp.operation";

    /** @param transition the change */
    void onStateChange(CircuitBreakerTransition transition);
}
