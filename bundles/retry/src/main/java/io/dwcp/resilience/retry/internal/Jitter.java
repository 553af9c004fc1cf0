package io.dwcp.resilience.retry.internal;

/**
 * Randomisation of a backoff delay, so that clients that failed together do not retry together.
 * Each mode takes a uniform random number {@code u} in [0, 1) from an injectable source.
 */
enum Jitter {
    /** The backoff delay as it is. */
    NONE,
    /**
     * {@code base × (1 ± factor)}: uniform in {@code [base × (1 - factor), base × (1 + factor)]},
     * capped at the maximum delay. Keeps the shape of the backoff.
     */
    PROPORTIONAL,
    /**
     * "Full jitter": uniform in {@code [0, base]}. Spreads a thundering herd the most; the expected
     * delay halves.
     */
    FULL,
    /**
     * "Decorrelated jitter": uniform in {@code [initial, 3 × previous delay]}, capped. Its own growth
     * law: each delay depends on the previous one rather than on the retry number, so only the
     * preset's initial delay and cap apply.
     */
    DECORRELATED;

    /** Growth bound of decorrelated jitter: the next delay is at most this many times the previous one. */
    static final int DECORRELATED_GROWTH = 3;

    /**
     * @param backoff        the backoff whose delay is randomised
     * @param retry          the retry about to be made, from 1
     * @param previousNanos  the delay actually used before the previous retry (0 before the first)
     * @param factor         the proportional jitter factor, in [0, 1]
     * @param u              a uniform random number in [0, 1); values outside are clamped
     * @return the delay before this retry, in [0, backoff's max]
     */
    long delayNanos(Backoff backoff, int retry, long previousNanos, double factor, double u) {
        double r = u < 0 ? 0 : (u > 1 ? 1 : u);
        long max = backoff.maxDelayNanos();
        switch (this) {
            case NONE:
                return backoff.baseDelayNanos(retry);
            case PROPORTIONAL: {
                long base = backoff.baseDelayNanos(retry);
                return Backoff.capped(base * (1.0 + factor * (2.0 * r - 1.0)), max);
            }
            case FULL:
                return Backoff.capped(backoff.baseDelayNanos(retry) * r, max);
            case DECORRELATED: {
                long low = backoff.initialDelayNanos();
                double high = Math.max(low, (double) DECORRELATED_GROWTH * Math.max(previousNanos, low));
                return Backoff.capped(low + (high - low) * r, max);
            }
            default:
                throw new AssertionError(this);
        }
    }
}
