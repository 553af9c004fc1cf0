package io.dwcp.resilience.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Learns the outcome of every completed call (whiteboard: register it as a service).
 *
 * <p>Error budgets, latency budgets and the degradation monitor are observers. They run on the
 * caller's thread after the call, so they must be cheap, must not block and should not allocate;
 * anything slow is handed off. An observer that throws is logged and does not affect the call.
 * The {@link Invocation} is valid only during the callback.
 */
@ConsumerType
public interface CallObserver {

    /** Service property: operation name(s) to observe (String or String[]); absent means all. */
    String OPERATION = "dwcp.operation";

    /**
     * @param inv          the finished call (operation, peer, attempt, start time)
     * @param outcome      how it ended
     * @param latencyNanos how long it took, from entering the chain to the operation's end
     *                     ({@link Invocation#operationEndNanos()}), or to leaving the chain when the
     *                     operation did not run (a refusal)
     * @param failure      what it threw, or {@code null} on success
     */
    void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure);
}
