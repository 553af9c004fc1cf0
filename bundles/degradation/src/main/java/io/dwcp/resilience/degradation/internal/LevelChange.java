package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;

/**
 * One level change of a component, or of the overall level (component {@code *}).
 *
 * @param component       the component
 * @param from            the level before
 * @param to              the level after
 * @param reason          why, in words
 * @param timestampMillis when (wall clock)
 */
record LevelChange(String component, DegradationLevel from, DegradationLevel to, String reason, long timestampMillis) {
}
