package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;

/**
 * The validated configuration of one adaptive concurrency limit; its defaults are written once, in
 * the Metatype ({@link ConcurrencyLimitConfig}).
 *
 * @param operation          the operation protected, or {@code *}
 * @param algorithm          {@link #GRADIENT2} or {@link #AIMD}
 * @param initialLimit       the limit a fresh limiter starts with
 * @param minLimit           the lowest limit
 * @param maxLimit           the highest limit
 * @param windowSamples      samples a window needs before it closes
 * @param windowMinNanos     how long a window lasts at least
 * @param tolerance          Gradient2: RTT inflation tolerated before the limit shrinks (1.5 = 50%)
 * @param smoothing          Gradient2: weight of a new estimate against the current limit
 * @param longWindow         Gradient2: windows in the long-term RTT average
 * @param queueSize          Gradient2: calls allowed to queue beyond the RTT-derived limit
 * @param backoffRatio       AIMD: factor applied to the limit after a window with drops
 * @param dropLatencyNanos   AIMD: a call slower than this counts as a drop
 * @param dropShare          AIMD: the limit backs off after a window in which more than this share of calls dropped
 */
public record ConcurrencyLimitSettings(String operation, String algorithm, int initialLimit, int minLimit,
        int maxLimit, int windowSamples, long windowMinNanos, double tolerance, double smoothing, int longWindow,
        int queueSize, double backoffRatio, long dropLatencyNanos, double dropShare) implements ConfiguredComponent.Scoped {

    /** Factory PID of the concurrency-limit component. */
    public static final String PID = "dwcp.ratelimiter.concurrency";
    /** Algorithm: gradient of long-term to short-term RTT. */
    public static final String GRADIENT2 = "gradient2";
    /** Algorithm: additive increase, multiplicative decrease on drops. */
    public static final String AIMD = "aimd";
    private static final ConcurrencyLimitConfig D = Rates.defaults(PID, ConcurrencyLimitConfig.class);
    /** Highest limit accepted. */
    static final int MAX_ACCEPTED_LIMIT = 1_000_000;

    /** @throws InvalidConfigurationException naming the first bad key */
    static ConcurrencyLimitSettings from(ConfigReader in) {
        String operation = in.operation();
        String algorithm = in.string("algorithm", D.algorithm()).toLowerCase(java.util.Locale.ROOT);
        if (!algorithm.equals(GRADIENT2) && !algorithm.equals(AIMD)) {
            throw in.refuse("algorithm", algorithm, "must be one of " + GRADIENT2 + ", " + AIMD);
        }
        int min = in.intValue("min.limit", D.min_limit(), 1, MAX_ACCEPTED_LIMIT);
        int max = in.intValue("max.limit", D.max_limit(), 1, MAX_ACCEPTED_LIMIT);
        if (min > max) {
            throw in.refuse("min.limit", min, "must not exceed max.limit (" + max + ")");
        }
        return new ConcurrencyLimitSettings(operation, algorithm, in.intValue("initial.limit", D.initial_limit(), min, max),
                min, max, in.intValue("window.samples", D.window_samples(), 1, 1_000_000),
                Rates.nanos(in, "window.min.ms", D.window_min_ms(), 0.0, 600_000.0),
                in.doubleValue("gradient.tolerance", D.gradient_tolerance(), 1.0, 100.0),
                Rates.above(in, "gradient.smoothing", D.gradient_smoothing(), 0.0, 1.0),
                in.intValue("gradient.long.window", D.gradient_long_window(), 1, 1_000_000),
                in.intValue("gradient.queue.size", D.gradient_queue_size(), 0, MAX_ACCEPTED_LIMIT),
                Rates.above(in, "aimd.backoff.ratio", D.aimd_backoff_ratio(), 0.0, 0.999),
                Rates.nanos(in, "aimd.drop.latency.ms", D.aimd_drop_latency_ms(), 0.001, 3_600_000.0),
                in.doubleValue("aimd.drop.share", D.aimd_drop_share(), 0.0, 0.999));
    }

    /** @return a new instance of the configured algorithm, starting fresh */
    public LimitAlgorithm newAlgorithm() {
        return GRADIENT2.equals(algorithm) ? new Gradient2Limit(this) : new AimdLimit(this);
    }

    /** @return a short description for log lines */
    public String describe() {
        return "concurrency limit (" + algorithm + ") " + minLimit + ".." + maxLimit;
    }
}
