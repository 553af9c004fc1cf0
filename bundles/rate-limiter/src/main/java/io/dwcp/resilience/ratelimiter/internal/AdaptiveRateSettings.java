package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;

/**
 * The validated configuration of one adaptive (P95-driven) rate limiter. The defaults are the
 * specified ones for {@code send}.
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
        long targetP95Nanos, int windowSamples, long windowMinNanos, double decreaseAbove, double increaseBelow, double decreaseStep,
        double increaseStep, long burstNanos, long maxWaitNanos, int permitsPerCall,
        double inflightFactor) {

    /** Factory PID of the adaptive rate-limiter component. */
    public static final String PID = "dwcp.ratelimiter.adaptive";

    static final String INITIAL_RATE = "initial.rate";
    static final String MIN_RATE = "min.rate";
    static final String MAX_RATE = "max.rate";
    static final String TARGET_P95_MS = "target.p95.ms";
    static final String WINDOW_SAMPLES = "window.samples";
    static final String WINDOW_MIN_MS = "window.min.ms";
    static final String DECREASE_ABOVE = "decrease.above";
    static final String INCREASE_BELOW = "increase.below";
    static final String DECREASE_STEP = "decrease.step";
    static final String INCREASE_STEP = "increase.step";
    static final String BURST_MS = "burst.ms";
    static final String MAX_WAIT_MS = "max.wait.ms";
    static final String PERMITS_PER_CALL = "permits.per.call";
    static final String INFLIGHT_FACTOR = "inflight.factor";

    static final double DEFAULT_INITIAL_RATE = 1000.0;
    static final double DEFAULT_MIN_RATE = 100.0;
    static final double DEFAULT_MAX_RATE = 10_000.0;
    static final double DEFAULT_TARGET_P95_MS = 100.0;
    static final int DEFAULT_WINDOW_SAMPLES = 100;
    static final double DEFAULT_WINDOW_MIN_MS = 500.0;
    static final double DEFAULT_DECREASE_ABOVE = 1.2;
    static final double DEFAULT_INCREASE_BELOW = 0.8;
    static final double DEFAULT_DECREASE_STEP = 0.10;
    static final double DEFAULT_INCREASE_STEP = 0.05;
    static final double DEFAULT_BURST_MS = 100.0;
    static final double DEFAULT_MAX_WAIT_MS = 0.0;
    static final int DEFAULT_PERMITS_PER_CALL = 1;
    static final double DEFAULT_INFLIGHT_FACTOR = 0.3;

    /** Fewest samples per window: a P95 of fewer is one or two outliers. */
    static final int MIN_WINDOW_SAMPLES = 20;

    /**
     * @param properties the raw configuration
     * @return the settings
     * @throws InvalidConfigurationException naming the first bad key
     */
    public static AdaptiveRateSettings from(Map<String, ?> properties) {
        ConfigValues values = new ConfigValues(PID, properties);
        String operation = values.operation();
        double min = values.decimal(MIN_RATE, DEFAULT_MIN_RATE, TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        double max = values.decimal(MAX_RATE, DEFAULT_MAX_RATE, TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        if (min > max) {
            throw values.refuse(MIN_RATE, min, "must not exceed " + MAX_RATE + " (" + Rates.format(max) + ")");
        }
        double initial = values.decimal(INITIAL_RATE, DEFAULT_INITIAL_RATE, TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        if (initial < min || initial > max) {
            throw values.refuse(INITIAL_RATE, initial, "must lie between " + MIN_RATE + " (" + Rates.format(min)
                    + ") and " + MAX_RATE + " (" + Rates.format(max) + ")");
        }
        long target = values.millisAsNanos(TARGET_P95_MS, DEFAULT_TARGET_P95_MS, 0.001, 3_600_000.0);
        int window = values.integer(WINDOW_SAMPLES, DEFAULT_WINDOW_SAMPLES, MIN_WINDOW_SAMPLES, 1_000_000);
        long windowMin = values.millisAsNanos(WINDOW_MIN_MS, DEFAULT_WINDOW_MIN_MS, 0.0, 600_000.0);
        double decreaseAbove = values.decimal(DECREASE_ABOVE, DEFAULT_DECREASE_ABOVE, 1.0, 100.0);
        double increaseBelow = values.decimalAbove(INCREASE_BELOW, DEFAULT_INCREASE_BELOW, 0.0, 1.0);
        if (increaseBelow >= decreaseAbove) {
            throw values.refuse(INCREASE_BELOW, increaseBelow, "must be below " + DECREASE_ABOVE + " ("
                    + decreaseAbove + ") or every window would move the rate");
        }
        double decreaseStep = values.decimalAbove(DECREASE_STEP, DEFAULT_DECREASE_STEP, 0.0, 0.9);
        double increaseStep = values.decimalAbove(INCREASE_STEP, DEFAULT_INCREASE_STEP, 0.0, 10.0);
        long burst = values.millisAsNanos(BURST_MS, DEFAULT_BURST_MS, 0.001, 60_000.0);
        long maxWait = values.millisAsNanos(MAX_WAIT_MS, DEFAULT_MAX_WAIT_MS, 0.0, 3_600_000.0);
        int permits = values.integer(PERMITS_PER_CALL, DEFAULT_PERMITS_PER_CALL, 1, TokenBucket.MAX_BURST);
        double inflight = values.decimal(INFLIGHT_FACTOR, DEFAULT_INFLIGHT_FACTOR, 0.0, 100.0);
        return new AdaptiveRateSettings(operation, initial, min, max, target, window, windowMin, decreaseAbove, increaseBelow,
                decreaseStep, increaseStep, burst, maxWait, permits, inflight);
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
