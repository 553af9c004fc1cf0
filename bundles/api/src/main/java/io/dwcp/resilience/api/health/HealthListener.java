package io.dwcp.resilience.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears when health checks change status (whiteboard: register it as a service).
 *
 * <p>Called on a notification thread of the health bundle, never on a call path, in the order the
 * changes happened; a listener should still return quickly, since it delays the listeners after
 * it. A listener registered late first hears the current status of every check that has one, as
 * a change from {@link HealthStatus#UNKNOWN}. A check that goes away is reported as a change to
 * {@link HealthStatus#UNKNOWN}. The overall status is reported under the name
 * {@link HealthMonitor#OVERALL}.
 */
@ConsumerType
public interface HealthListener {

    /**
     * A check's status became {@link HealthStatus#HEALTHY}.
     *
     * @param check  the check's name, or {@link HealthMonitor#OVERALL}
     * @param result the result that made it healthy
     */
    void onHealthy(String check, HealthResult result);

    /**
     * A check's status became {@link HealthStatus#UNHEALTHY}.
     *
     * @param check  the check's name, or {@link HealthMonitor#OVERALL}
     * @param result the result that made it unhealthy
     */
    void onUnhealthy(String check, HealthResult result);

    /**
     * Any status change, including to and from {@link HealthStatus#DEGRADED} and
     * {@link HealthStatus#UNKNOWN}; called before {@link #onHealthy} or {@link #onUnhealthy}.
     *
     * @param check  the check's name, or {@link HealthMonitor#OVERALL}
     * @param from   the previous status
     * @param to     the new status
     * @param result the result that caused the change
     */
    default void onStatusChanged(String check, HealthStatus from, HealthStatus to, HealthResult result) {
        // most listeners care only about healthy and unhealthy
    }
}
