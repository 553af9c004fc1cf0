package io.dwcp.resilience.api.health;

import java.util.Map;
import java.util.Objects;

/**
 * One run of a health check.
 *
 * @param status          the status found
 * @param message         what was found, in words
 * @param details         figures behind it (e.g. {@code errorRate}); immutable
 * @param timestampMillis when it ran (wall clock)
 */
public record HealthResult(HealthStatus status, String message, Map<String, Object> details, long timestampMillis) {

    /** Copies the details, so a result never changes. */
    public HealthResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    /**
     * @param message         what was found
     * @param timestampMillis when
     * @return a healthy result without details
     */
    public static HealthResult healthy(String message, long timestampMillis) {
        return new HealthResult(HealthStatus.HEALTHY, message, Map.of(), timestampMillis);
    }

    /**
     * @param message         what is wrong
     * @param timestampMillis when
     * @return an unhealthy result without details
     */
    public static HealthResult unhealthy(String message, long timestampMillis) {
        return new HealthResult(HealthStatus.UNHEALTHY, message, Map.of(), timestampMillis);
    }
}
