package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.api.health.HealthStatus;

/**
 * Validated settings of a ping check.
 *
 * @param name              the check's name
 * @param quorum            how many targets must answer
 * @param pingTimeoutMillis how long to wait for each target
 * @param noTargetStatus    the status when no target is registered
 */
record PingSettings(String name, Quorum quorum, long pingTimeoutMillis, HealthStatus noTargetStatus) {

    /** The factory PID of ping checks. */
    static final String PID = "dwcp.health.ping";

    /** Reads through the Metatype {@link PingCheckConfig}, whose defaults are the only ones, with the kit's refusals. */
    static PingSettings from(ConfigReader in) {
        String pid = in.pid();
        PingCheckConfig config = in.typed(PingCheckConfig.class);
        String name = CheckNames.validate(pid, config.dwcp_health_check());
        CheckIntervals.validate(pid, config.dwcp_health_interval_ms(), config.dwcp_health_timeout_ms());
        Quorum quorum = Quorum.parse(pid, "require", config.require(), "k", config.k(), -1);
        // bounds and options: the Metatype's
        return new PingSettings(name, quorum, config.ping_timeout_ms(),
                ConfigReader.constant(HealthStatus.class, config.no_target_status()));
    }
}
