package io.dwcp.resilience.slo.internal;

/** Counts summed over one window; a scratch value of the evaluation thread. */
final class WindowCounts {
    long total;
    long bad;
    long slow;
    long downNanos;

    /** @return successful calls: the events of the latency budget */
    long successes() {
        return total - bad;
    }
}
