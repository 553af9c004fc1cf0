package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;

/**
 * Validated settings of a threshold check.
 *
 * @param name      the check's name
 * @param operation the operation measured, or {@code *} for all together (the system)
 * @param metric    the rate
 * @param threshold the bound: above it the check is unhealthy
 * @param minCalls  fewer calls than this since the last judgement: too little to judge
 */
record ThresholdSettings(String name, String operation, ThresholdMetric metric, double threshold, long minCalls) {

    /** The factory PID of threshold checks. */
    static final String PID = "dwcp.health.threshold";

    /** Reads through the Metatype {@link ThresholdCheckConfig}, whose defaults are the only ones, with the kit's refusals. */
    static ThresholdSettings from(ConfigReader in) {
        String pid = in.pid();
        ThresholdCheckConfig config = in.typed(ThresholdCheckConfig.class);
        String name = CheckNames.validate(pid, config.dwcp_health_check());
        CheckIntervals.validate(pid, config.dwcp_health_interval_ms(), config.dwcp_health_timeout_ms());
        String operation = config.operation() == null ? "" : config.operation().trim();
        if (!Stage.ANY_OPERATION.equals(operation)) {
            try {
                Operations.validate(operation);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(pid, "operation", config.operation(), e.getMessage() + ", or *");
            }
        }
        ThresholdMetric metric = ThresholdMetric.parse(pid, "metric", config.metric());
        return new ThresholdSettings(name, operation, metric, config.threshold(), config.min_calls()); // bounds: the Metatype's
    }
}
