package io.dwcp.resilience.api.health;

import java.util.Objects;

/**
 * What the health monitor knows about one check.
 *
 * @param name                the check's name
 * @param status              its current status ({@link HealthStatus#UNKNOWN} before the first run)
 * @param lastResult          the last result (an {@link HealthStatus#UNKNOWN} placeholder before the first run)
 * @param runs                runs completed (including timed-out ones)
 * @param successes           runs that finished in time and found no failure (any status but
 *                            {@link HealthStatus#UNHEALTHY}; a check that throws finds {@code UNHEALTHY})
 * @param timeouts            runs that did not finish within the timeout
 * @param recentSuccessRate   successes over the last (at most 64) runs, NaN before the first
 * @param lastDurationNanos   how long the last run took (the timeout for a timed-out run)
 * @param intervalMillis      how often it runs
 * @param timeoutMillis       how long one run may take
 */
public record HealthCheckReport(String name, HealthStatus status, HealthResult lastResult, long runs, long successes,
        long timeouts, double recentSuccessRate, long lastDurationNanos, long intervalMillis, long timeoutMillis) {

    /** Checks the references. */
    public HealthCheckReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastResult, "lastResult");
    }

    /** @return successes over runs since the check was registered, NaN before the first run */
    public double successRate() {
        return runs == 0 ? Double.NaN : (double) successes / runs;
    }
}
