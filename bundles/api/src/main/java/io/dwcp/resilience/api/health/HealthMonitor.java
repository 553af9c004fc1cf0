package io.dwcp.resilience.api.health;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs every registered {@link HealthCheck} periodically and keeps what they found: the health
 * bundle's service, for consoles, exporters and tests.
 */
@ProviderType
public interface HealthMonitor {

    /** The name under which listeners and events report the overall status. No check may use it. */
    String OVERALL = "*";

    /**
     * @return the overall status: the worst of the checks' known statuses ({@link HealthStatus#UNHEALTHY}
     *         worse than {@link HealthStatus#DEGRADED} worse than {@link HealthStatus#HEALTHY}); checks not
     *         run yet do not count; {@link HealthStatus#UNKNOWN} when no check has a known status yet
     *         but some exist, {@link HealthStatus#HEALTHY} when there are no checks
     */
    HealthStatus status();

    /** @return a report for every check, sorted by name */
    List<HealthCheckReport> reports();

    /**
     * @param check a check's name
     * @return its report, or empty when no such check is registered
     */
    Optional<HealthCheckReport> report(String check);
}
