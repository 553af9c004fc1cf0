package io.dwcp.resilience.timeout.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The DWCP adaptive timeout: after a success {@code new = current × 0.95}, but never below
 * {@code 2 × observed latency}; after a failure {@code new = current × 1.10}; always within
 * [10 ms, 5 min] (factors and bounds configurable). It shrinks slowly towards what the peer really
 * needs and backs off quickly when the peer struggles.
 *
 * <p>Lock-free and allocation-free: one CAS per update, skipped when the value does not change.
 */
final class AdaptiveTimeout {

    private final long minNanos;
    private final long maxNanos;
    private final double successFactor;
    private final double failureFactor;
    private final double latencyMultiplier;
    private final AtomicLong currentNanos;

    /**
     * @param initialNanos      the starting timeout; clamped into the bounds
     * @param minNanos          the lower bound
     * @param maxNanos          the upper bound, at least {@code minNanos}
     * @param successFactor     in (0, 1]
     * @param failureFactor     at least 1
     * @param latencyMultiplier at least 1
     */
    AdaptiveTimeout(long initialNanos, long minNanos, long maxNanos, double successFactor, double failureFactor,
            double latencyMultiplier) {
        if (minNanos <= 0 || maxNanos < minNanos || !(successFactor > 0 && successFactor <= 1)
                || !(failureFactor >= 1) || Double.isInfinite(failureFactor) || !(latencyMultiplier >= 1)
                || Double.isInfinite(latencyMultiplier)) {
            throw new IllegalArgumentException("adaptive timeout needs 0 < min <= max, success factor in (0,1],"
                    + " failure factor >= 1 and latency multiplier >= 1");
        }
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.successFactor = successFactor;
        this.failureFactor = failureFactor;
        this.latencyMultiplier = latencyMultiplier;
        this.currentNanos = new AtomicLong(clamp(initialNanos));
        this.startNanos = currentNanos.get();
    }

    /** The value it started from; compared, not tracked, so that learning costs the call path nothing more. */
    private final long startNanos;

    /** @return whether the timeout has moved since it was made (it learnt, or was restored) */
    boolean moved() {
        return currentNanos.get() != startNanos;
    }

    /** @return the timeout to use now */
    long currentNanos() {
        return currentNanos.get();
    }

    /**
     * Adapts after a success.
     *
     * @param observedLatencyNanos the latency that bounds the timeout from below (the last call's or a percentile)
     * @return the timeout before this update
     */
    long onSuccess(long observedLatencyNanos) {
        while (true) {
            long current = currentNanos.get();
            long next = afterSuccess(current, observedLatencyNanos);
            if (next == current || currentNanos.compareAndSet(current, next)) {
                return current;
            }
        }
    }

    /**
     * Adapts after a failure.
     *
     * @return the timeout before this update
     */
    long onFailure() {
        while (true) {
            long current = currentNanos.get();
            long next = afterFailure(current);
            if (next == current || currentNanos.compareAndSet(current, next)) {
                return current;
            }
        }
    }

    /** @return the timeout after a success with the given observed latency, from {@code current} */
    long afterSuccess(long current, long observedLatencyNanos) {
        double shrunk = current * successFactor;
        double floor = latencyMultiplier * Math.max(0, observedLatencyNanos);
        return clamp(Math.max(shrunk, floor));
    }

    /** @return the timeout after a failure, from {@code current} */
    long afterFailure(long current) {
        return clamp(current * failureFactor);
    }

    /** Replaces the current value, e.g. with one restored after a restart; clamped into the bounds. */
    void restore(long nanos) {
        currentNanos.set(clamp(nanos));
    }

    long minNanos() {
        return minNanos;
    }

    long maxNanos() {
        return maxNanos;
    }

    private long clamp(double nanos) {
        if (!(nanos >= minNanos)) {
            return minNanos;
        }
        return nanos >= maxNanos ? maxNanos : (long) nanos;
    }
}
