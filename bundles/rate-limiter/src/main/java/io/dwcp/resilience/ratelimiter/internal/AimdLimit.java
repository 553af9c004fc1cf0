package io.dwcp.resilience.ratelimiter.internal;

/**
 * Additive increase, multiplicative decrease, as TCP Reno and Netflix concurrency-limits' AIMD
 * limit: a window in which a call was dropped (timed out, shed downstream, or slower than
 * {@link ConcurrencyLimitSettings#dropLatencyNanos()}) multiplies the limit by the backoff ratio;
 * a window without drops in which the limit was at least half used raises it by one.
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
