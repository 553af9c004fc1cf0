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
    /** Fewest samples per window (the Metatype's minimum of window.samples): a P95 of fewer is one or two outliers. */
    static final int MIN_WINDOW_SAMPLES = 20;

    /** @throws InvalidConfigurationException naming the first bad key (defaults and bounds: the Metatype's) */
    static AdaptiveRateSettings from(ConfigReader in) {
        AdaptiveRateConfig c = in.typed(AdaptiveRateConfig.class);
        if (c.min_rate() > c.max_rate()) {
            throw in.refuse("min.rate", c.min_rate(), "must not exceed max.rate (" + Rates.format(c.max_rate()) + ")");
        }
        if (c.initial_rate() < c.min_rate() || c.initial_rate() > c.max_rate()) {
            throw in.refuse("initial.rate", c.initial_rate(), "must be between " + Rates.format(c.min_rate()) + " and "
                    + Rates.format(c.max_rate()));
        }
        for (String key : new String[] { "increase.below", "decrease.step", "increase.step" }) {
            double value = key.equals("increase.below") ? c.increase_below()
                    : key.equals("decrease.step") ? c.decrease_step() : c.increase_step();
            if (!(value > 0)) {
                throw in.refuse(key, value, "must be greater than 0");
            }
        }
        if (c.increase_below() >= c.decrease_above()) {
            throw in.refuse("increase.below", c.increase_below(), "must be below decrease.above (" + c.decrease_above()
                    + ") or every window would move the rate");
        }
        return new AdaptiveRateSettings(c.dwcp_operation(), c.initial_rate(), c.min_rate(), c.max_rate(),
                nanos(c.target_p95_ms()), c.window_samples(), nanos(c.window_min_ms()), c.decrease_above(),
                c.increase_below(), c.decrease_step(), c.increase_step(), nanos(c.burst_ms()), nanos(c.max_wait_ms()),
                c.permits_per_call(), c.inflight_factor());
    }

    /** @return (decimal) milliseconds as nanoseconds */
    static long nanos(double millis) {
        return Math.round(millis * 1e6);
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
