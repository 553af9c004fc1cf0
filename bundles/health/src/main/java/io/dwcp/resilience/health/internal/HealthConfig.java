package io.dwcp.resilience.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the health monitor ({@code dwcp.health}). */
@ObjectClassDefinition(name = "DWCP health monitor",
        description = "Runs every HealthCheck service periodically, each with a timeout, and reports status changes.")
public @interface HealthConfig {

    /** The PID of the monitor's configuration. */
    String PID = "dwcp.health";

    /** @return how often a check runs unless its dwcp.health.interval.ms property says otherwise */
    @AttributeDefinition(name = "Default interval (ms)", min = "10",
            description = "How often a check runs when it does not set dwcp.health.interval.ms.")
    long default_interval_ms() default 10_000;

    /** @return how long a run may take unless its dwcp.health.timeout.ms property says otherwise */
    @AttributeDefinition(name = "Default timeout (ms)", min = "1",
            description = "How long one run may take when the check does not set dwcp.health.timeout.ms; a run that takes longer counts as UNHEALTHY and is interrupted.")
    long default_timeout_ms() default 5_000;
}
