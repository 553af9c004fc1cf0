package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;

/**
 * One status change of a check, or of the overall status (name {@code *}).
 *
 * @param check  the check's name
 * @param from   the status before
 * @param to     the status after
 * @param result the result that caused it
 */
record StatusChange(String check, HealthStatus from, HealthStatus to, HealthResult result) {
}
