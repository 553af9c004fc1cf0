package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.kit.latency.PercentileWindow;

/**
 * How long a call waits for its first attempt before it sends a second: the observed percentile of
 * successful attempts' latency (P95 by default, as in Dean and Barroso, "The Tail at Scale", 2013),
 * clamped into the configured bounds; the initial delay until a window with enough samples has
 * completed.
 */
final class HedgeDelay {

    private final PercentileWindow window;
    private final long initialNanos;
    private final long minNanos;
    private final long maxNanos;

    HedgeDelay(HedgeSettings s, long nowNanos) {
        this.window = new PercentileWindow(s.percentile(), s.windowNanos(), s.minSamples(), nowNanos);
        this.initialNanos = s.initialDelayNanos();
        this.minNanos = s.minDelayNanos();
        this.maxNanos = s.maxDelayNanos();
    }

    /** Records the latency of an attempt (or a lower bound of it, for one given up when another won). */
    void record(long latencyNanos, long nowNanos) {
        window.record(latencyNanos, nowNanos);
    }

    /** @return the delay in force, in {@code [min, max]} */
    long delayNanos() {
        long observed = window.percentileNanos();
        return observed < 0 ? initialNanos : Math.max(minNanos, Math.min(maxNanos, observed));
    }

    /** @return the percentile observed in the last complete window, or -1 */
    long observedNanos() {
        return window.percentileNanos();
    }
}
