package io.dwcp.resilience.timeout.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The DWCP adaptive timeout: after a success {@code new = current × 0.95}, but never below
 * {@code 2 × observed latency}; after a failure {@code new = current × 1.10}; always within
 * [10 ms, 5 min] (factors and bounds configurable). It shrinks slowly towards what the peer really
 * needs and backs off quickly when the peer struggles.
 *
 * <p>Lock-free and allocation-free: one CAS per update, skipped when the value does not change.
 *
 * <p>Every call of the operation reads the value (and every success updates it), from every calling
 * thread; it changes rarely once learnt (fast calls hold it at the minimum). So it sits alone in the
 * middle of a padded array, on cache lines (and adjacent-line pairs) that nothing written on the
 * call path shares: in the full chain's JFR profile at two threads (issue 15) the read of the old
 * unpadded {@code AtomicLong} was 13 % of the call's samples. And a success that cannot move a
 * timeout at its minimum ({@code multiplier x latency <= min}, the steady state of fast calls) is
 * decided by two compares, without the floating-point rule.
 */
final class AdaptiveTimeout {

    private final long minNanos;
    private final long maxNanos;
    private final double successFactor;
    private final double failureFactor;
    private final double latencyMultiplier;
    /** Latencies up to this cannot raise a timeout at its minimum: {@code latencyMultiplier * it <= minNanos}. */
    private final long freeBelowMin;
    /** The current timeout at {@link #SLOT}; the rest is padding, 120 bytes on either side. */
    private final AtomicLongArray current = new AtomicLongArray(2 * SLOT + 1);
    private static final int SLOT = 15;

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
        long free = (long) Math.floor(minNanos / latencyMultiplier);
        while (free > 0 && latencyMultiplier * free > minNanos) {
            free--; // the same double arithmetic as afterSuccess must keep the floor at or below min
        }
        this.freeBelowMin = free;
        this.current.set(SLOT, clamp(initialNanos));
        this.startNanos = current.get(SLOT);
    }

    /** The value it started from; compared, not tracked, so that learning costs the call path nothing more. */
    private final long startNanos;

    /** @return whether the timeout has moved since it was made (it learnt, or was restored) */
    boolean moved() {
        return current.get(SLOT) != startNanos;
    }

    /** @return the timeout to use now */
    long currentNanos() {
        return current.get(SLOT);
    }

    /**
     * Adapts after a success.
     *
     * @param observedLatencyNanos the latency that bounds the timeout from below (the last call's or a percentile)
     * @return the timeout before this update
     */
    long onSuccess(long observedLatencyNanos) {
        while (true) {
            long now = current.get(SLOT);
            if (now == minNanos && observedLatencyNanos <= freeBelowMin) {
                return now; // afterSuccess would give min again
            }
            long next = afterSuccess(now, observedLatencyNanos);
            if (next == now || current.compareAndSet(SLOT, now, next)) {
                return now;
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
            long now = current.get(SLOT);
            long next = afterFailure(now);
            if (next == now || current.compareAndSet(SLOT, now, next)) {
                return now;
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
        current.set(SLOT, clamp(nanos));
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
