package io.dwcp.resilience.retry.internal;

/** {@code initial × multiplier^(retry-1)}, capped: the delay grows geometrically. */
final class ExponentialBackoff implements Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final double multiplier;

    /**
     * @param initialNanos the first delay, not negative
     * @param maxNanos     the cap, at least {@code initialNanos}
     * @param multiplier   the growth per retry, at least 1 (so the delay never shrinks)
     */
    ExponentialBackoff(long initialNanos, long maxNanos, double multiplier) {
        if (initialNanos < 0 || maxNanos < initialNanos || !(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("exponential backoff needs 0 <= initial <= max and a finite multiplier >= 1");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.multiplier = multiplier;
    }

    @Override
    public long baseDelayNanos(int retry) {
        // Math.pow overflows to +Infinity, never NaN, for multiplier >= 1; capped() saturates it.
        return Backoff.capped(initialNanos * Math.pow(multiplier, Math.max(0, retry - 1)), maxNanos);
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
        return "exponential(" + initialNanos + " ns x" + multiplier + ", max " + maxNanos + " ns)";
    }
}
