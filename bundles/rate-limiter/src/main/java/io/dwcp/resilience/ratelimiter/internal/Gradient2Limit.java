package io.dwcp.resilience.ratelimiter.internal;

/**
 * A gradient concurrency limit in the style of Netflix concurrency-limits' Gradient2, written from
 * its published formulas:
 *
 * <pre>
 *   longRtt   = exponential average of the windows' RTT over longWindow windows
 *               (a plain average over the first ten windows)
 *   if longRtt / shortRtt &gt; 2:  longRtt = longRtt * 0.95          (recover after a long overload)
 *   if maxInflight &lt; limit / 2:  keep the limit                   (no growth while the limit is unused)
 *   gradient  = clamp(tolerance * longRtt / shortRtt, 0.5, 1.0)
 *   estimate  = limit * gradient + queueSize
 *   limit     = limit * (1 - smoothing) + estimate * smoothing,     then clamped to [min, max]
 * </pre>
 *
 * While the short-term RTT stays within {@code tolerance} of the long-term one the gradient is 1 and
 * the limit grows by {@code smoothing * queueSize} per window; when calls start to queue the RTT
 * rises, the gradient falls below 1 and the limit shrinks, at most by half a step.
 */
final class Gradient2Limit implements LimitAlgorithm {

    private static final int WARMUP_WINDOWS = 10;

    private final ConcurrencyLimitSettings settings;
    private double longRtt = -1;
    private long windows;
    private double warmupSum;

    Gradient2Limit(ConcurrencyLimitSettings settings) {
        this.settings = settings;
    }

    @Override
    public double update(double limit, long shortRtt, int maxInflight, boolean dropped) {
        if (shortRtt <= 0) {
            return limit;
        }
        addToLongRtt(shortRtt);
        if (longRtt / shortRtt > 2.0) {
            longRtt *= 0.95;
        }
        if (maxInflight < limit / 2) {
            return limit;
        }
        double gradient = Math.max(0.5, Math.min(1.0, settings.tolerance() * longRtt / shortRtt));
        double estimate = limit * gradient + settings.queueSize();
        double next = limit * (1.0 - settings.smoothing()) + estimate * settings.smoothing();
        return Math.max(settings.minLimit(), Math.min(settings.maxLimit(), next));
    }

    private void addToLongRtt(long sample) {
        windows++;
        if (windows <= WARMUP_WINDOWS) {
            warmupSum += sample;
            longRtt = warmupSum / windows;
        } else {
            double factor = 2.0 / (settings.longWindow() + 1);
            longRtt = longRtt * (1.0 - factor) + sample * factor;
        }
    }

    @Override
    public LimitListener.Reason reason(double from, double to) {
        return to < from ? LimitListener.Reason.LATENCY_HIGH : LimitListener.Reason.NO_QUEUEING;
    }

    @Override
    public long longRttNanos() {
        return (long) longRtt;
    }

    @Override
    public void restoreLongRtt(long nanos) {
        if (nanos > 0) {
            longRtt = nanos;
            windows = WARMUP_WINDOWS;
        }
    }
}
