package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;

/**
 * An operator's override, as kept across restarts.
 *
 * @param component     the component, or {@code *}
 * @param level         the forced level
 * @param expiresMillis when it ends (wall clock)
 * @param reason        why
 */
record OverrideRecord(String component, DegradationLevel level, long expiresMillis, String reason) {
}
