package io.dwcp.resilience.degradation.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the degradation manager ({@code dwcp.degradation}). */
@ObjectClassDefinition(name = "DWCP degradation manager",
        description = "Degradation levels per component and overall, from error rates, latency, health checks, error budgets and overrides.")
public @interface DegradationConfig {

    /** @return the hysteresis hold */
    @AttributeDefinition(name = "Recovery hold (ms)", min = "0",
            description = "A level is left only after its signal has stayed below it this long; each further step down needs another hold.")
    long recovery_hold_ms() default 60_000;

    /** @return the evaluation period */
    @AttributeDefinition(name = "Evaluation interval (ms)", min = "100",
            description = "How often operations' windows are judged, holds checked and overrides expired.")
    long evaluation_interval_ms() default 1_000;

    /** @return the window */
    @AttributeDefinition(name = "Window (ms)", min = "100",
            description = "The rolling window of calls judged; a whole number of evaluation intervals (rounded up).")
    long window_ms() default 30_000;

    /** @return the calls needed */
    @AttributeDefinition(name = "Minimum calls", min = "1",
            description = "Fewer calls in the window than this: too little to judge, the operation's signal is NORMAL.")
    long min_calls() default 100;

    /** @return the percentile */
    @AttributeDefinition(name = "Latency percentile", min = "0.5", max = "0.9999",
            description = "The latency percentile compared with the thresholds, e.g. 0.95 for p95.")
    double latency_percentile() default 0.95;

    /** @return the DEGRADED factor */
    @AttributeDefinition(name = "Table: DEGRADED above (x threshold)", description = "Factor of the threshold above which an operation is DEGRADED.")
    double table_degraded() default 1.0;

    /** @return the SEVERELY_DEGRADED factor */
    @AttributeDefinition(name = "Table: SEVERELY_DEGRADED above (x threshold)", description = "Factor above which an operation is SEVERELY_DEGRADED.")
    double table_severely_degraded() default 1.5;

    /** @return the EMERGENCY factor */
    @AttributeDefinition(name = "Table: EMERGENCY above (x threshold)", description = "Factor above which an operation is EMERGENCY.")
    double table_emergency() default 2.0;

    /** @return the default error-rate threshold */
    @AttributeDefinition(name = "Error-rate threshold", min = "0", max = "1",
            description = "Error rate (failures and timeouts over calls that ran) that is 1x in the table, for operations not listed below.")
    double error_rate_threshold() default 0.01;

    /** @return per-operation error-rate thresholds */
    @AttributeDefinition(name = "Error-rate thresholds per operation", required = false,
            description = "operation:rate pairs, comma-separated, e.g. consensus:0.005.")
    String[] error_rate_thresholds() default {};

    /** @return the default latency threshold */
    @AttributeDefinition(name = "Latency threshold (ms)", min = "1",
            description = "Latency that is 1x in the table, for operations not listed below.")
    long latency_threshold_ms() default 1_000;

    /** @return per-operation latency thresholds */
    @AttributeDefinition(name = "Latency thresholds per operation (ms)", required = false,
            description = "operation:milliseconds pairs, comma-separated; 0 = the operation's latency is not judged "
                    + "(receive: a receive waits for a peer that may simply be idle).")
    String[] latency_thresholds_ms() default { "send:100", "receive:0", "sync:500", "consensus:1000" };

    /** @return the level of an unhealthy check */
    @AttributeDefinition(name = "Level of an UNHEALTHY check", description = "NORMAL, DEGRADED, SEVERELY_DEGRADED or EMERGENCY.")
    String health_unhealthy_level() default "DEGRADED";

    /** @return the level of a degraded check */
    @AttributeDefinition(name = "Level of a DEGRADED check", description = "NORMAL, DEGRADED, SEVERELY_DEGRADED or EMERGENCY.")
    String health_degraded_level() default "NORMAL";

    /** @return the level of an exhausted budget */
    @AttributeDefinition(name = "Level of an exhausted error budget", description = "NORMAL, DEGRADED, SEVERELY_DEGRADED or EMERGENCY.")
    String budget_exhausted_level() default "DEGRADED";

    /** @return the feature flags */
    @AttributeDefinition(name = "Features", required = false,
            description = "feature:level pairs, comma-separated: the worst level at which each feature stays on.")
    String[] features() default { "chaos:NORMAL", "telemetry.detailed:NORMAL", "prefetch:NORMAL", "compression:DEGRADED",
        "background.sync:DEGRADED", "peer.discovery:SEVERELY_DEGRADED", "heartbeat:EMERGENCY" };

    /** @return the level for features not listed */
    @AttributeDefinition(name = "Unlisted features stay on up to", description = "The worst level at which a feature not listed stays on.")
    String features_default_level() default "NORMAL";
}
