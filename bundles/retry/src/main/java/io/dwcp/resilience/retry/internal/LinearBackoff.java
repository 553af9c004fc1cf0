package io.dwcp.resilience.retry.internal;

/** {@code initial + increment × (retry-1)}, capped: the delay grows by a constant step. */
final class LinearBackoff implements Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final long incrementNanos;

    /**
     * @param initialNanos   the first delay, not negative
     * @param maxNanos       the cap, at least {@code initialNanos}
     * @param incrementNanos the growth per retry, not negative
     */
    LinearBackoff(long initialNanos, long maxNanos, long incrementNanos) {
        if (initialNanos < 0 || maxNanos < initialNanos || incrementNanos < 0) {
            throw new IllegalArgumentException("linear backoff needs 0 <= initial <= max and increment >= 0");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.incrementNanos = incrementNanos;
    }

    @Override
    public long baseDelayNanos(int retry) {
        return Backoff.capped(initialNanos + (double) incrementNanos * Math.max(0, retry - 1), maxNanos);
    }

    @Override
    public long initialDelayNanos() {
        return initialNanos;
    }

    @Override
    public long maxDelayNanos() {
        return maxNanos;
    }

    @Override
    public String toString() {
        return "linear(" + initialNanos + " ns +" + incrementNanos + " ns, max " + maxNanos + " ns)";
    }
}
