package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The validated settings of the degradation manager.
 *
 * @param holdNanos              the hysteresis hold
 * @param evaluationNanos        the tick period
 * @param windowSlots            the window in ticks
 * @param minCalls               calls needed to judge an operation
 * @param latencyPercentile      the latency percentile judged
 * @param table                  the level table
 * @param defaultThresholds      thresholds of operations not listed
 * @param thresholds             per-operation thresholds
 * @param healthUnhealthyLevel   the level of an UNHEALTHY check
 * @param healthDegradedLevel    the level of a DEGRADED check
 * @param budgetExhaustedLevel   the level of an exhausted budget
 * @param features               the feature flags
 */
record DegradationSettings(long holdNanos, long evaluationNanos, int windowSlots, long minCalls, double latencyPercentile,
        LevelTable table, OperationThresholds defaultThresholds, Map<String, OperationThresholds> thresholds,
        DegradationLevel healthUnhealthyLevel, DegradationLevel healthDegradedLevel, DegradationLevel budgetExhaustedLevel,
        FeatureFlags features) {

    /** The manager's PID. */
    static final String PID = "dwcp.degradation";

    DegradationSettings {
        thresholds = Map.copyOf(thresholds);
    }

    /**
     * @param operation an operation
     * @return its thresholds
     */
    OperationThresholds thresholdsOf(String operation) {
        return thresholds.getOrDefault(operation, defaultThresholds);
    }

    /**
     * Reads through the Metatype {@link DegradationConfig}: its defaults and bounds are the only ones,
     * checked by the kit against the generated Metatype; here are the rules across keys and the lists.
     *
     * @param in the configuration
     * @return the settings
     * @throws InvalidConfigurationException naming PID, key, value and reason
     */
    static DegradationSettings from(ConfigReader in) {
        String pid = in.pid();
        DegradationConfig config = in.typed(DegradationConfig.class);
        long evaluation = config.evaluation_interval_ms();
        long window = config.window_ms();
        if (window < evaluation) {
            throw new InvalidConfigurationException(pid, "window.ms", window,
                    "must be at least the evaluation interval (" + evaluation + " ms)");
        }
        long slots = (window + evaluation - 1) / evaluation;
        if (slots > 10_000) {
            throw new InvalidConfigurationException(pid, "window.ms", window,
                    "more than 10000 evaluation intervals; lengthen evaluation.interval.ms");
        }
        double percentile = config.latency_percentile();
        LevelTable table = new LevelTable(config.table_degraded(), config.table_severely_degraded(), config.table_emergency());
        if (!(table.degraded() > 0)) {
            throw new InvalidConfigurationException(pid, "table.degraded", table.degraded(), "must be positive");
        }
        if (!(table.severe() > table.degraded())) {
            throw new InvalidConfigurationException(pid, "table.severely.degraded", table.severe(),
                    "must be above table.degraded (" + table.degraded() + ")");
        }
        if (!(table.emergency() > table.severe()) || Double.isInfinite(table.emergency())) {
            throw new InvalidConfigurationException(pid, "table.emergency", table.emergency(),
                    "must be finite and above table.severely.degraded (" + table.severe() + ")");
        }
        double defaultErrorRate = errorRate(pid, "error.rate.threshold", config.error_rate_threshold());
        long defaultLatency = config.latency_threshold_ms();
        Map<String, Double> errorRates = KeyValues.pairs(pid, "error.rate.thresholds", config.error_rate_thresholds(),
                Operations::validate, v -> errorRate(pid, "error.rate.thresholds", parseDouble(v)));
        Map<String, Long> latencies = KeyValues.pairs(pid, "latency.thresholds.ms", config.latency_thresholds_ms(),
                Operations::validate, v -> operationLatency(pid, "latency.thresholds.ms", parseLong(v)));
        Map<String, OperationThresholds> thresholds = new HashMap<>();
        for (String op : union(errorRates.keySet(), latencies.keySet())) {
            thresholds.put(op, new OperationThresholds(errorRates.getOrDefault(op, defaultErrorRate),
                    TimeUnit.MILLISECONDS.toNanos(latencies.getOrDefault(op, defaultLatency))));
        }
        FeatureFlags features = new FeatureFlags(KeyValues.pairs(pid, "features", config.features(), FeatureNames::validate,
                DegradationLevel::parse), level(pid, "features.default.level", config.features_default_level()));
        return new DegradationSettings(TimeUnit.MILLISECONDS.toNanos(config.recovery_hold_ms()),
                TimeUnit.MILLISECONDS.toNanos(evaluation), (int) slots, config.min_calls(), percentile, table,
                new OperationThresholds(defaultErrorRate, TimeUnit.MILLISECONDS.toNanos(defaultLatency)), thresholds,
                level(pid, "health.unhealthy.level", config.health_unhealthy_level()),
                level(pid, "health.degraded.level", config.health_degraded_level()),
                level(pid, "budget.exhausted.level", config.budget_exhausted_level()), features);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static double errorRate(String pid, String key, double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new InvalidConfigurationException(pid, key, rate, "an error-rate threshold is a rate above 0 and at most 1");
        }
        return rate;
    }

    /** As {@link #latency}, but 0 is allowed: the operation's latency is not judged. */
    private static long operationLatency(String pid, String key, long millis) {
        if (millis == 0) {
            return 0;
        }
        if (millis < 1) {
            throw new InvalidConfigurationException(pid, key, millis,
                    "a latency threshold is at least 1 ms, or 0 for an operation whose latency is not judged");
        }
        return millis;
    }

    private static double parseDouble(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a number");
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
    }

    private static DegradationLevel level(String pid, String key, String value) {
        try {
            return DegradationLevel.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, key, value, e.getMessage());
        }
    }
}
