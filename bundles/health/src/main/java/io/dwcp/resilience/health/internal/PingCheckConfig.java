package io.dwcp.resilience.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of one ping check ({@code dwcp.health.ping~<name>}). */
@ObjectClassDefinition(name = "DWCP ping health check",
        description = "Probes the Pingable services the target filter matches; healthy when all answer.")
public @interface PingCheckConfig {

    /** @return the check's name */
    @AttributeDefinition(name = "Name", description = "The check's unique name: 1-64 of [A-Za-z0-9._-].")
    String dwcp_health_check() default "ping";

    /** @return the interval, 0 for the monitor's default */
    @AttributeDefinition(name = "Interval (ms)", description = "How often it runs; 0 uses the monitor's default (10 s).")
    long dwcp_health_interval_ms() default 0;

    /** @return the timeout of one run, 0 for the monitor's default */
    @AttributeDefinition(name = "Timeout (ms)", description = "How long one run may take; 0 uses the monitor's default (5 s). Cover every target's ping timeout: targets are probed one after the other.")
    long dwcp_health_timeout_ms() default 0;

    /** @return the LDAP filter selecting the Pingable services */
    @AttributeDefinition(name = "Targets", description = "LDAP filter on Pingable services, e.g. (dwcp.ping.target=node-7).")
    String pingable_target() default "(objectClass=io.dwcp.resilience.api.health.Pingable)";

    /** @return how many targets must answer */
    @AttributeDefinition(name = "Require", description = "How many targets must answer: all, any or at.least (with k). Fewer is UNHEALTHY; the quorum met but not all is DEGRADED.")
    String require() default "all";

    /** @return K for at.least */
    @AttributeDefinition(name = "K", min = "1", description = "The number of targets for require = at.least.")
    int k() default 1;

    /** @return how long to wait for one target */
    @AttributeDefinition(name = "Ping timeout (ms)", min = "1", description = "How long to wait for each target's answer.")
    long ping_timeout_ms() default 1_000;

    /** @return the status when no target is registered */
    @AttributeDefinition(name = "Status without targets", description = "HEALTHY, DEGRADED, UNHEALTHY or UNKNOWN when no Pingable matches (UNKNOWN: nothing to judge yet, e.g. before the transport starts).",
            options = { @Option(label = "Healthy", value = "HEALTHY"), @Option(label = "Degraded", value = "DEGRADED"),
                @Option(label = "Unhealthy", value = "UNHEALTHY"), @Option(label = "Unknown", value = "UNKNOWN") })
    String no_target_status() default "UNKNOWN";
}
