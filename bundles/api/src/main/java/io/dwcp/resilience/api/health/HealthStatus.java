package io.dwcp.resilience.api.health;

/** The result of a health check, from best to worst. */
public enum HealthStatus {
    /** Working as intended. */
    HEALTHY,
    /** Working, with reduced capacity or quality. */
    DEGRADED,
    /** Not working. */
    UNHEALTHY,
    /** Not known yet (never run, or the check itself failed to complete). */
    UNKNOWN
}
