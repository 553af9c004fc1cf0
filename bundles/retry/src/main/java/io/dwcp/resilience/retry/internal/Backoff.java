package io.dwcp.resilience.retry.internal;

/**
 * How long to wait before a retry, before jitter: a non-decreasing function of the retry number
 * that never exceeds {@link #maxDelayNanos()}.
 */
interface Backoff {

    /**
     * @param retry the retry about to be made, 1 for the first retry (the second attempt)
     * @return the delay before it in nanoseconds, between 0 and {@link #maxDelayNanos()}
     */
    long baseDelayNanos(int retry);

    /** @return the delay before the first retry, already capped */
    long initialDelayNanos();

    /** @return the cap of every delay */
    long maxDelayNanos();

    /** Saturating conversion of a non-negative double of nanoseconds, capped at {@code max}. */
    static long capped(double nanos, long max) {
        return nanos >= max ? max : (long) nanos;
    }
}
