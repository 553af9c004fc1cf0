package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.health.HealthStatus;

/** Orders health statuses by how bad they are. */
final class HealthStatuses {

    private HealthStatuses() {
    }

    /**
     * @param status a status
     * @return 0 healthy, 1 degraded, 2 unhealthy, -1 unknown (no evidence either way)
     */
    static int severity(HealthStatus status) {
        switch (status) {
            case HEALTHY:
                return 0;
            case DEGRADED:
                return 1;
            case UNHEALTHY:
                return 2;
            default:
                return -1;
        }
    }

    /**
     * @param status a status
     * @return whether a run that finished in time with that status counts as a success: it found
     *         no failure ({@link HealthStatus#UNKNOWN}, e.g. too little traffic to judge, is not one)
     */
    static boolean isSuccess(HealthStatus status) {
        return status != HealthStatus.UNHEALTHY;
    }
}
