package io.dwcp.resilience.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one composite check ({@code dwcp.health.composite~<name>}). */
@ObjectClassDefinition(name = "DWCP composite health check",
        description = "Combines the latest statuses of other checks: all, any or at least K of them must pass.")
public @interface CompositeCheckConfig {

    /** @return the check's name */
    @AttributeDefinition(name = "Name", description = "The check's unique name: 1-64 of [A-Za-z0-9._-].")
    String dwcp_health_check() default "composite";

    /** @return the interval, 0 for the monitor's default */
    @AttributeDefinition(name = "Interval (ms)", description = "How often it runs; 0 uses the monitor's default (10 s).")
    long dwcp_health_interval_ms() default 0;

    /** @return the timeout of one run, 0 for the monitor's default */
    @AttributeDefinition(name = "Timeout (ms)", description = "How long one run may take; 0 uses the monitor's default (5 s).")
    long dwcp_health_timeout_ms() default 0;

    /** @return the children, comma-separated */
    @AttributeDefinition(name = "Children", description = "The names of the checks combined, comma-separated.")
    String children();

    /** @return how many children must pass */
    @AttributeDefinition(name = "Require", description = "all, any or at.least (with k).")
    String require() default "all";

    /** @return K for at.least */
    @AttributeDefinition(name = "K", min = "1", description = "The number of children for require = at.least.")
    int k() default 1;
}
