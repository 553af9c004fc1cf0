package io.dwcp.resilience.api.degradation;

import java.util.Objects;

/**
 * The degradation level of one component and where it comes from.
 *
 * @param component             the component: an operation (e.g. {@code send}), {@code health/<check>},
 *                              {@code slo/<budget>}, or {@link DegradationManager#OVERALL}
 * @param level                 the level in force: the override while one is active, else {@code computed}
 * @param computed              the level its signals give, after hysteresis
 * @param reason                why it is at {@code level}, in words
 * @param sinceMillis           wall-clock time when {@code level} was entered
 * @param overridden            whether an operator's override is in force
 * @param overrideExpiresMillis when the override ends (wall clock), 0 without one
 */
public record ComponentLevel(String component, DegradationLevel level, DegradationLevel computed, String reason,
        long sinceMillis, boolean overridden, long overrideExpiresMillis) {

    /** Checks the references. */
    public ComponentLevel {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(computed, "computed");
        Objects.requireNonNull(reason, "reason");
    }
}
