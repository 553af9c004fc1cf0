package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;

/**
 * The validated configuration of one adaptive (P95-driven) rate limiter. The defaults, the
 * specified ones for {@code send}, are written once, in the Metatype ({@link AdaptiveRateConfig}).
 *
 * @param operation      the operation protected, or {@code *}
 * @param initialRate    the rate a fresh limiter starts with, permits per second
 * @param minRate        the lowest rate the controller may set
 * @param maxRate        the highest rate the controller may set
 * @param targetP95Nanos the P95 latency the controller steers towards
 * @param windowSamples  latencies per window; one adjustment per window
 * @param windowMinNanos how long a window lasts at least (a window needs both)
 * @param decreaseAbove  lower the rate when P95 exceeds this multiple of the target
 * @param increaseBelow  raise the rate when P95 is below this multiple of the target
 * @param decreaseStep   fraction by which a decrease lowers the rate
 * @param increaseStep   fraction by which an increase raises the rate
 * @param burstNanos     the bucket holds this much time's worth of the current rate
 * @param maxWaitNanos   how long a call may wait for a permit (never past its deadline)
 * @param permitsPerCall permits each call takes
 * @param inflightFactor calls in flight are capped at what the current rate admits within this many
 *                       targets (rate x factor x target); 0 = no cap
 */
public record AdaptiveRateSettings(String operation, double initialRate, double minRate, double maxRate,
        long targetP95Nanos, int windowSamples, long windowMinNanos, double decreaseAbove, double increaseBelow,
        double decreaseStep, double increaseStep, long burstNanos, long maxWaitNanos, int permitsPerCall,
        double inflightFactor) implements ConfiguredComponent.Scoped {

    /** Factory PID of the adaptive rate-limiter component. */
    public static final String PID = "dwcp.ratelimiter.adaptive";
    private static final AdaptiveRateConfig D = Rates.defaults(PID, AdaptiveRateConfig.class);
    /** Fewest samples per window: a P95 of fewer is one or two outliers. */
    static final int MIN_WINDOW_SAMPLES = 20;

    /** @throws InvalidConfigurationException naming the first bad key */
    static AdaptiveRateSettings from(ConfigReader in) {
        String operation = in.operation();
        double min = in.doubleValue("min.rate", D.min_rate(), TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        double max = in.doubleValue("max.rate", D.max_rate(), TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        if (min > max) {
            throw in.refuse("min.rate", min, "must not exceed max.rate (" + Rates.format(max) + ")");
        }
        double initial = in.doubleValue("initial.rate", D.initial_rate(), min, max);
        long target = Rates.nanos(in, "target.p95.ms", D.target_p95_ms(), 0.001, 3_600_000.0);
        int window = in.intValue("window.samples", D.window_samples(), MIN_WINDOW_SAMPLES, 1_000_000);
        long windowMin = Rates.nanos(in, "window.min.ms", D.window_min_ms(), 0.0, 600_000.0);
        double decreaseAbove = in.doubleValue("decrease.above", D.decrease_above(), 1.0, 100.0);
        double increaseBelow = Rates.above(in, "increase.below", D.increase_below(), 0.0, 1.0);
        if (increaseBelow >= decreaseAbove) {
            throw in.refuse("increase.below", increaseBelow, "must be below decrease.above (" + decreaseAbove
                    + ") or every window would move the rate");
        }
        return new AdaptiveRateSettings(operation, initial, min, max, target, window, windowMin, decreaseAbove,
                increaseBelow, Rates.above(in, "decrease.step", D.decrease_step(), 0.0, 0.9),
                Rates.above(in, "increase.step", D.increase_step(), 0.0, 10.0),
                Rates.nanos(in, "burst.ms", D.burst_ms(), 0.001, 60_000.0),
                Rates.nanos(in, "max.wait.ms", D.max_wait_ms(), 0.0, 3_600_000.0),
                in.intValue("permits.per.call", D.permits_per_call(), 1, TokenBucket.MAX_BURST),
                in.doubleValue("inflight.factor", D.inflight_factor(), 0.0, 100.0));
    }

    /**
     * @param rate a rate the controller set
     * @return the bucket capacity at that rate: {@link #burstNanos()} worth of it, at least one
     *         call's permits, at most {@link TokenBucket#MAX_BURST}
     */
    public int burstAt(double rate) {
        double permits = Math.floor(rate * burstNanos / 1e9);
        return (int) Math.min(TokenBucket.MAX_BURST, Math.max(permitsPerCall, permits));
    }

    /**
     * @param rate a rate the controller set
     * @return the most calls that may be in flight at that rate: {@code rate x inflightFactor x target}
     *         calls (at least one), or {@link Integer#MAX_VALUE} without a cap
     */
    public int inflightLimitAt(double rate) {
        if (inflightFactor == 0) {
            return Integer.MAX_VALUE;
        }
        double calls = Math.ceil(rate / permitsPerCall * inflightFactor * targetP95Nanos / 1e9);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, calls));
    }

    /** @return a short description for log lines */
    public String describe() {
        return "adaptive rate " + Rates.format(minRate) + ".." + Rates.format(maxRate) + "/s, target P95 "
                + Rates.millis(targetP95Nanos) + " over " + windowSamples + " calls and " + Rates.millis(windowMinNanos)
                + (inflightFactor == 0 ? "" : ", in flight at most rate x " + inflightFactor + " x target");
    }
}
