package io.dwcp.resilience.ratelimiter.internal;

/**
 * How an adaptive concurrency limit moves, once per closed window of samples. Implementations keep
 * their own state (e.g. the long-term RTT); the {@link ConcurrencyLimiter} calls them from one
 * thread at a time.
 */
public interface LimitAlgorithm {

    /**
     * @param limit       the current (unrounded) limit
     * @param shortRtt    mean RTT of the window's measured calls in nanoseconds, or -1 if none was measured
     * @param maxInflight the most calls in flight at once during the window
     * @param dropped     whether more than the configured share of the window's calls dropped (timed out, were
     *                    shed downstream or were slower than the drop latency)
     * @return the new limit, within the configured bounds
     */
    double update(double limit, long shortRtt, int maxInflight, boolean dropped);

    /** @return the reason to report for a change from {@code from} to {@code to} */
    LimitListener.Reason reason(double from, double to);

    /** @return the long-term RTT in nanoseconds, or -1 if the algorithm keeps none */
    default long longRttNanos() {
        return -1;
    }

    /**
     * Takes up the long-term RTT saved before a restart.
     *
     * @param nanos the saved value
     */
    default void restoreLongRtt(long nanos) {
    }
}
