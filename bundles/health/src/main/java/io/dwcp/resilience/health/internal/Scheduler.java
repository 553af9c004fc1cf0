package io.dwcp.resilience.health.internal;

/**
 * Runs tasks after a delay. The health runner schedules every check run and every timeout through
 * it, so tests drive time with a manual scheduler instead of sleeping.
 */
interface Scheduler {

    /**
     * @param task       what to run
     * @param delayNanos after how long
     * @return a handle that cancels the task if it has not started
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off; no effect once it has started. */
        void cancel();
    }
}
