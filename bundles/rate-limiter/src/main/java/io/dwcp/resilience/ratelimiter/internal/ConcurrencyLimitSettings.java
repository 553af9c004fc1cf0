package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;

/**
 * The validated configuration of one adaptive concurrency limit; its defaults and bounds are written
 * once, in the Metatype ({@link ConcurrencyLimitConfig}).
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

    /** @throws InvalidConfigurationException naming the first bad key (defaults and bounds: the Metatype's) */
    static ConcurrencyLimitSettings from(ConfigReader in) {
        ConcurrencyLimitConfig c = in.typed(ConcurrencyLimitConfig.class);
        if (c.min_limit() > c.max_limit()) {
            throw in.refuse("min.limit", c.min_limit(), "must not exceed max.limit (" + c.max_limit() + ")");
        }
        if (c.initial_limit() < c.min_limit() || c.initial_limit() > c.max_limit()) {
            throw in.refuse("initial.limit", c.initial_limit(), "must be between " + c.min_limit() + " and " + c.max_limit());
        }
        for (String key : new String[] { "gradient.smoothing", "aimd.backoff.ratio" }) {
            double value = key.startsWith("gradient") ? c.gradient_smoothing() : c.aimd_backoff_ratio();
            if (!(value > 0)) {
                throw in.refuse(key, value, "must be greater than 0");
            }
        }
        return new ConcurrencyLimitSettings(c.dwcp_operation(), c.algorithm().toLowerCase(java.util.Locale.ROOT),
                c.initial_limit(), c.min_limit(), c.max_limit(), c.window_samples(), AdaptiveRateSettings.nanos(c.window_min_ms()),
                c.gradient_tolerance(), c.gradient_smoothing(), c.gradient_long_window(), c.gradient_queue_size(),
                c.aimd_backoff_ratio(), AdaptiveRateSettings.nanos(c.aimd_drop_latency_ms()), c.aimd_drop_share());
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
