package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A validated timeout configuration; {@link #from} refuses a bad value with an
 * {@code InvalidConfigurationException} naming the PID, key, value and reason.
 *
 * @param operation         the operation protected, or {@code *}
 * @param mode              fixed or adaptive
 * @param timeoutNanos      the fixed timeout, and the adaptive timeout's starting value
 * @param minTimeoutNanos   the adaptive timeout's lower bound
 * @param maxTimeoutNanos   the adaptive timeout's upper bound
 * @param successFactor     the adaptive timeout shrinks by this factor after a success
 * @param failureFactor     the adaptive timeout grows by this factor after a failure
 * @param latencyMultiplier the adaptive timeout stays at least this multiple of the observed latency
 * @param latencyBasis      which observed latency: the last call's or a percentile
 * @param percentile        the percentile, e.g. 95.0
 * @param percentileWindowNanos how often the percentile is recomputed from the calls since
 * @param growOn            which failures grow the adaptive timeout
 * @param forced            whether calls run on an executor and are interrupted on expiry
 * @param forcedMaxThreads  the executor's maximum threads in forced mode
 * @param failLateResults   whether a result returned after the deadline is replaced by a timeout
 */
record TimeoutSettings(String operation, TimeoutMode mode, long timeoutNanos, long minTimeoutNanos,
        long maxTimeoutNanos, double successFactor, double failureFactor, double latencyMultiplier,
        LatencyBasis latencyBasis, double percentile, long percentileWindowNanos, GrowOn growOn, boolean forced,
        int forcedMaxThreads, boolean failLateResults) implements ConfiguredComponent.Scoped {

    static final String DEFAULT_MODE = "fixed";
    static final long DEFAULT_TIMEOUT_MS = 30_000;
    static final long DEFAULT_MIN_TIMEOUT_MS = 10;
    static final long DEFAULT_MAX_TIMEOUT_MS = 300_000;
    static final double DEFAULT_SUCCESS_FACTOR = 0.95;
    static final double DEFAULT_FAILURE_FACTOR = 1.10;
    static final double DEFAULT_LATENCY_MULTIPLIER = 2.0;
    static final String DEFAULT_LATENCY_BASIS = "last";
    static final double DEFAULT_PERCENTILE = 95.0;
    static final long DEFAULT_PERCENTILE_WINDOW_MS = 10_000;
    static final String DEFAULT_GROW_ON = "failure";
    static final boolean DEFAULT_FORCED = false;
    static final int DEFAULT_FORCED_MAX_THREADS = 32;
    static final boolean DEFAULT_FAIL_LATE_RESULTS = false;

    static final String MODE = "mode";
    static final String TIMEOUT_MS = "timeout.ms";
    static final String MIN_TIMEOUT_MS = "min.timeout.ms";
    static final String MAX_TIMEOUT_MS = "max.timeout.ms";
    static final String SUCCESS_FACTOR = "success.factor";
    static final String FAILURE_FACTOR = "failure.factor";
    static final String LATENCY_MULTIPLIER = "latency.multiplier";
    static final String LATENCY_BASIS = "latency.basis";
    static final String PERCENTILE = "percentile";
    static final String PERCENTILE_WINDOW_MS = "percentile.window.ms";
    static final String GROW_ON = "grow.on";
    static final String FORCED = "forced";
    static final String FORCED_MAX_THREADS = "forced.max.threads";
    static final String FAIL_LATE_RESULTS = "fail.late.results";

    /** The adaptive bounds of the specification: 10 ms to 5 min; a fixed timeout may be set within one day. */
    static final long LIMIT_MS = TimeUnit.DAYS.toMillis(1);

    /**
     * @param pid        the configuration PID, named in every refusal
     * @param properties the configuration dictionary
     * @return the validated settings
     * @throws io.dwcp.resilience.api.InvalidConfigurationException for the first bad value
     */
    static TimeoutSettings from(String pid, Map<String, ?> properties) {
        return from(new ConfigReader(pid, properties));
    }

    /** @return the settings {@code c} describes; see {@link #from(String, Map)} */
    static TimeoutSettings from(ConfigReader c) {
        String operation = c.operation();
        TimeoutMode mode = c.enumValue(MODE, TimeoutMode.valueOf(DEFAULT_MODE.toUpperCase(Locale.ROOT)), TimeoutMode.class);
        long timeoutMs = c.longValue(TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, LIMIT_MS);
        long minMs = c.longValue(MIN_TIMEOUT_MS, DEFAULT_MIN_TIMEOUT_MS, 1, LIMIT_MS);
        long maxMs = c.longValue(MAX_TIMEOUT_MS, DEFAULT_MAX_TIMEOUT_MS, 1, LIMIT_MS);
        if (minMs > maxMs) {
            throw c.refuse(MIN_TIMEOUT_MS, minMs,
                    "must not be greater than " + MAX_TIMEOUT_MS + " (" + maxMs + ")");
        }
        if (mode == TimeoutMode.ADAPTIVE && (timeoutMs < minMs || timeoutMs > maxMs)) {
            throw c.refuse(TIMEOUT_MS, timeoutMs,
                    "the adaptive timeout starts within [" + minMs + ", " + maxMs + "] ms");
        }
        double successFactor = c.doubleValue(SUCCESS_FACTOR, DEFAULT_SUCCESS_FACTOR, 0.01, 1.0);
        double failureFactor = c.doubleValue(FAILURE_FACTOR, DEFAULT_FAILURE_FACTOR, 1.0, 100.0);
        double latencyMultiplier = c.doubleValue(LATENCY_MULTIPLIER, DEFAULT_LATENCY_MULTIPLIER, 1.0, 100.0);
        LatencyBasis basis = c.enumValue(LATENCY_BASIS, LatencyBasis.valueOf(DEFAULT_LATENCY_BASIS.toUpperCase(Locale.ROOT)), LatencyBasis.class);
        double percentile = c.doubleValue(PERCENTILE, DEFAULT_PERCENTILE, 1.0, 100.0);
        long windowMs = c.longValue(PERCENTILE_WINDOW_MS, DEFAULT_PERCENTILE_WINDOW_MS, 100, TimeUnit.HOURS.toMillis(1));
        GrowOn growOn = c.enumValue(GROW_ON, GrowOn.valueOf(DEFAULT_GROW_ON.toUpperCase(Locale.ROOT)), GrowOn.class);
        boolean forced = c.booleanValue(FORCED, DEFAULT_FORCED);
        int forcedMaxThreads = c.intValue(FORCED_MAX_THREADS, DEFAULT_FORCED_MAX_THREADS, 1, 10_000);
        boolean failLateResults = c.booleanValue(FAIL_LATE_RESULTS, DEFAULT_FAIL_LATE_RESULTS);
        return new TimeoutSettings(operation, mode, ms(timeoutMs), ms(minMs), ms(maxMs), successFactor, failureFactor,
                latencyMultiplier, basis, percentile, ms(windowMs), growOn, forced, forcedMaxThreads, failLateResults);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** @return whether the adaptive state of {@code other} can carry over to these settings */
    boolean sameAdaptationAs(TimeoutSettings other) {
        return other != null && mode == other.mode && timeoutNanos == other.timeoutNanos;
    }
}
