package io.dwcp.resilience.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one threshold check ({@code dwcp.health.threshold~<name>}). */
@ObjectClassDefinition(name = "DWCP threshold health check",
        description = "Bounds a rate of the manager's call counters, measured since the check's last judgement.")
public @interface ThresholdCheckConfig {

    /** @return the check's name */
    @AttributeDefinition(name = "Name", description = "The check's unique name: 1-64 of [A-Za-z0-9._-].")
    String dwcp_health_check() default "threshold";

    /** @return the interval, 0 for the monitor's default */
    @AttributeDefinition(name = "Interval (ms)", description = "How often it runs; 0 uses the monitor's default (10 s).")
    long dwcp_health_interval_ms() default 0;

    /** @return the timeout of one run, 0 for the monitor's default */
    @AttributeDefinition(name = "Timeout (ms)", description = "How long one run may take; 0 uses the monitor's default (5 s).")
    long dwcp_health_timeout_ms() default 0;

    /** @return the operation, or * for all together */
    @AttributeDefinition(name = "Operation", description = "The operation measured, or * for all operations together (the system).")
    String operation() default "send";

    /** @return the metric */
    @AttributeDefinition(name = "Metric", description = "error.rate ((failures+timeouts)/(calls-rejections)), failure.rate, timeout.rate or rejection.rate (rejections/calls).")
    String metric() default "error.rate";

    /** @return the bound */
    @AttributeDefinition(name = "Threshold", min = "0", max = "1", description = "The rate above which the check is UNHEALTHY, e.g. 0.01 for 1 %.")
    double threshold() default 0.01;

    /** @return the calls needed to judge */
    @AttributeDefinition(name = "Minimum calls", min = "1", description = "Calls needed since the last judgement before the rate is judged; until then the status is UNKNOWN and the calls keep adding up.")
    long min_calls() default 100;
}
