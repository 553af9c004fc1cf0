package io.dwcp.resilience.ratelimiter.internal;

/**
 * Additive increase, multiplicative decrease, as TCP Reno and Netflix concurrency-limits' AIMD
 * limit: a window in which more than {@link ConcurrencyLimitSettings#dropShare()} of the calls
 * dropped (timed out, were shed downstream, or were slower than
 * {@link ConcurrencyLimitSettings#dropLatencyNanos()}) multiplies the limit by the backoff ratio;
 * any other window in which the limit was at least half used raises it by one. A share (by default
 * 5 %: the window's P95 above the drop latency), not a single call: with ordinary latency variance
 * some calls are always slow, and backing off on each of them throttled a healthy server to half
 * (Netflix's windowed AIMD compares the window's average or percentile with its timeout likewise).
 */
final class AimdLimit implements LimitAlgorithm {

    private final ConcurrencyLimitSettings settings;

    AimdLimit(ConcurrencyLimitSettings settings) {
        this.settings = settings;
    }

    @Override
    public double update(double limit, long shortRtt, int maxInflight, boolean dropped) {
        double next;
        if (dropped) {
            next = Math.floor(limit * settings.backoffRatio());
        } else if (maxInflight * 2 >= limit) {
            next = limit + 1;
        } else {
            return limit;
        }
        return Math.max(settings.minLimit(), Math.min(settings.maxLimit(), next));
    }

    @Override
    public LimitListener.Reason reason(double from, double to) {
        return to < from ? LimitListener.Reason.DROPS : LimitListener.Reason.PROBE;
    }
}
