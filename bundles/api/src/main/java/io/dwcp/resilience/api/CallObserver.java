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

    /**
     * The observer the manager calls for the calls of {@code operation} made on the current thread.
     *
     * <p>The manager asks once per operation, calling thread and set of observers (again after an
     * observer came or went), on that thread, and then calls the returned observer for that
     * operation's calls on that thread only, never concurrently with itself. An observer can so
     * resolve its per-operation state once instead of looking it up on every call, and record into
     * state that only this thread writes (plain stores, no atomic instruction, merged when read).
     * The returned observer must stay correct when the observer's own configuration changes later.
     *
     * <p>The default returns {@code this}: every call then goes to {@link #onCall} of the shared
     * observer, from any thread.
     *
     * @param operation the operation of the calls the returned observer will see
     * @return the observer for those calls on this thread, not {@code null}
     * @since 1.5
     */
    default CallObserver forCaller(String operation) {
        return this;
    }
}
