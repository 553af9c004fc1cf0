package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;

/**
 * The validated configuration of one adaptive concurrency limit.
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
        int queueSize, double backoffRatio, long dropLatencyNanos, double dropShare) {

    /** Factory PID of the concurrency-limit component. */
    public static final String PID = "dwcp.ratelimiter.concurrency";

    /** Algorithm: gradient of long-term to short-term RTT. */
    public static final String GRADIENT2 = "gradient2";
    /** Algorithm: additive increase, multiplicative decrease on drops. */
    public static final String AIMD = "aimd";

    static final String ALGORITHM = "algorithm";
    static final String INITIAL_LIMIT = "initial.limit";
    static final String MIN_LIMIT = "min.limit";
    static final String MAX_LIMIT = "max.limit";
    static final String WINDOW_SAMPLES = "window.samples";
    static final String WINDOW_MIN_MS = "window.min.ms";
    static final String TOLERANCE = "gradient.tolerance";
    static final String SMOOTHING = "gradient.smoothing";
    static final String LONG_WINDOW = "gradient.long.window";
    static final String QUEUE_SIZE = "gradient.queue.size";
    static final String BACKOFF_RATIO = "aimd.backoff.ratio";
    static final String DROP_LATENCY_MS = "aimd.drop.latency.ms";
    static final String DROP_SHARE = "aimd.drop.share";

    static final String DEFAULT_ALGORITHM = GRADIENT2;
    static final int DEFAULT_INITIAL_LIMIT = 20;
    static final int DEFAULT_MIN_LIMIT = 4;
    static final int DEFAULT_MAX_LIMIT = 1000;
    static final int DEFAULT_WINDOW_SAMPLES = 10;
    static final double DEFAULT_WINDOW_MIN_MS = 250.0;
    static final double DEFAULT_TOLERANCE = 1.5;
    static final double DEFAULT_SMOOTHING = 0.2;
    static final int DEFAULT_LONG_WINDOW = 2400;
    static final int DEFAULT_QUEUE_SIZE = 4;
    static final double DEFAULT_BACKOFF_RATIO = 0.9;
    static final double DEFAULT_DROP_LATENCY_MS = 1000.0;
    static final double DEFAULT_DROP_SHARE = 0.05;

    /** Highest limit accepted. */
    static final int MAX_ACCEPTED_LIMIT = 1_000_000;

    /**
     * @param properties the raw configuration
     * @return the settings
     * @throws InvalidConfigurationException naming the first bad key
     */
    public static ConcurrencyLimitSettings from(Map<String, ?> properties) {
        ConfigValues values = new ConfigValues(PID, properties);
        String operation = values.operation();
        String algorithm = values.choice(ALGORITHM, DEFAULT_ALGORITHM, GRADIENT2, AIMD);
        int min = values.integer(MIN_LIMIT, DEFAULT_MIN_LIMIT, 1, MAX_ACCEPTED_LIMIT);
        int max = values.integer(MAX_LIMIT, DEFAULT_MAX_LIMIT, 1, MAX_ACCEPTED_LIMIT);
        if (min > max) {
            throw values.refuse(MIN_LIMIT, min, "must not exceed " + MAX_LIMIT + " (" + max + ")");
        }
        int initial = values.integer(INITIAL_LIMIT, DEFAULT_INITIAL_LIMIT, 1, MAX_ACCEPTED_LIMIT);
        if (initial < min || initial > max) {
            throw values.refuse(INITIAL_LIMIT, initial, "must lie between " + MIN_LIMIT + " (" + min + ") and "
                    + MAX_LIMIT + " (" + max + ")");
        }
        int window = values.integer(WINDOW_SAMPLES, DEFAULT_WINDOW_SAMPLES, 1, 1_000_000);
        long windowMin = values.millisAsNanos(WINDOW_MIN_MS, DEFAULT_WINDOW_MIN_MS, 0.0, 600_000.0);
        double tolerance = values.decimal(TOLERANCE, DEFAULT_TOLERANCE, 1.0, 100.0);
        double smoothing = values.decimalAbove(SMOOTHING, DEFAULT_SMOOTHING, 0.0, 1.0);
        int longWindow = values.integer(LONG_WINDOW, DEFAULT_LONG_WINDOW, 1, 1_000_000);
        int queueSize = values.integer(QUEUE_SIZE, DEFAULT_QUEUE_SIZE, 0, MAX_ACCEPTED_LIMIT);
        double backoff = values.decimalAbove(BACKOFF_RATIO, DEFAULT_BACKOFF_RATIO, 0.0, 0.999);
        long dropLatency = values.millisAsNanos(DROP_LATENCY_MS, DEFAULT_DROP_LATENCY_MS, 0.001, 3_600_000.0);
        double dropShare = values.decimal(DROP_SHARE, DEFAULT_DROP_SHARE, 0.0, 0.999);
        return new ConcurrencyLimitSettings(operation, algorithm, initial, min, max, window, windowMin, tolerance,
                smoothing, longWindow, queueSize, backoff, dropLatency, dropShare);
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
