package io.dwcp.resilience.circuitbreaker.internal;

/**
 * The recent outcomes a breaker's rate rules look at. Recording is lock-free and allocation-free
 * (a time window allocates one small bucket per second of activity, not per call); a tally is
 * taken only when a rule must be evaluated (after a failure or a slow call) or for metrics.
 */
interface SlidingWindow {

    /**
     * @param nowNanos when the call ended
     * @param failure  whether it counts as a failure
     * @param slow     whether it was slow
     */
    void record(long nowNanos, boolean failure, boolean slow);

    /**
     * @param nowNanos the current time
     * @return the outcomes now in the window
     */
    WindowTally tally(long nowNanos);

    /**
     * The counts of a window at one moment.
     *
     * @param calls     outcomes in the window
     * @param failures  of them, failures
     * @param slowCalls of them, slow calls (failed or not)
     */
    record WindowTally(long calls, long failures, long slowCalls) {

        /** @return failures as a percentage of calls, 0 for an empty window */
        double failureRate() {
            return calls == 0 ? 0.0 : failures * 100.0 / calls;
        }

        /** @return slow calls as a percentage of calls, 0 for an empty window */
        double slowCallRate() {
            return calls == 0 ? 0.0 : slowCalls * 100.0 / calls;
        }
    }
}
