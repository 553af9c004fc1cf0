package io.dwcp.resilience.api.circuitbreaker;

import java.time.Duration;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Manual control of the circuit breakers of one provider (registered by the circuit-breaker bundle
 * beside its {@link io.dwcp.resilience.api.Stage} service, with the same {@code dwcp.operation}
 * property). For consoles and operators; not for the call path.
 *
 * <p>Every manual change is reported to listeners and as an event like an automatic one, and is
 * kept durably: a breaker forced open stays forced open across a restart.
 */
@ProviderType
public interface CircuitBreakerControl {

    /** @return the operations this provider holds a breaker for now */
    Set<String> operations();

    /**
     * @param operation an operation name
     * @return the breaker's current state
     * @throws IllegalArgumentException when this provider does not serve {@code operation}
     */
    CircuitBreakerState state(String operation);

    /**
     * Moves the breaker to {@code target}: CLOSED resets it (fresh measurements), OPEN opens it for
     * its configured reset timeout, HALF_OPEN starts a probe round, the manual-only states take
     * effect until the next manual change.
     *
     * @param operation an operation name
     * @param target    the new state
     * @throws IllegalArgumentException when this provider does not serve {@code operation}
     */
    void transitionTo(String operation, CircuitBreakerState target);

    /**
     * Opens the breaker for {@code duration}, after which it goes HALF_OPEN as after a trip.
     *
     * @param operation an operation name
     * @param duration  how long to stay open, positive
     * @throws IllegalArgumentException when this provider does not serve {@code operation} or the
     *                                  duration is not positive
     */
    void openFor(String operation, Duration duration);

    /**
     * Closes the breaker and forgets its measurements and its trip history (the open-time backoff
     * starts again from the reset timeout). Lifetime counters keep counting.
     *
     * @param operation an operation name
     * @throws IllegalArgumentException when this provider does not serve {@code operation}
     */
    void reset(String operation);
}
