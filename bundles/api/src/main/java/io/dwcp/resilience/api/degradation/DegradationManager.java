package io.dwcp.resilience.api.degradation;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps a {@link DegradationLevel} per component and overall, and says which features stay on.
 *
 * <p>A component's level follows its signals (error rate and latency of an operation, a health
 * check's status, an error budget's exhaustion): it rises at once and falls only after the signal has
 * stayed lower for a configured time, so it does not flap. An operator can override any component,
 * or the overall level, for a limited time. The overall level is the worst component level unless
 * overridden.
 *
 * <p>{@link #level()} and {@link #isFeatureEnabled(String)} are cheap (no lock, no allocation) and may
 * be called on a call path.
 */
@ProviderType
public interface DegradationManager {

    /** The component name of the overall level, in {@link #level(String)}, overrides, listeners and events. */
    String OVERALL = "*";

    /** @return the overall level */
    DegradationLevel level();

    /**
     * @param component a component name, or {@link #OVERALL}
     * @return its level, {@link DegradationLevel#NORMAL} for a component never seen
     */
    DegradationLevel level(String component);

    /** @return every known component's level, the overall one first, the others sorted by name */
    List<ComponentLevel> components();

    /**
     * @param feature a feature name, e.g. {@code compression}
     * @return whether the feature stays on at the current overall level
     */
    boolean isFeatureEnabled(String feature);

    /** @return the configured features that stay on at the current overall level */
    Set<String> enabledFeatures();

    /**
     * Forces a component (or {@link #OVERALL}) to a level, raising or lowering it, until the duration
     * ends or {@link #clearOverride} is called. Takes effect at once, without hysteresis.
     *
     * @param component the component, or {@link #OVERALL}
     * @param level     the level to force
     * @param duration  how long, positive
     * @param reason    why, for the log, the events and the reports
     * @throws IllegalArgumentException for a blank component or a duration that is not positive
     */
    void override(String component, DegradationLevel level, Duration duration, String reason);

    /**
     * @param component the component, or {@link #OVERALL}
     * @return whether an override was in force and is now removed
     */
    boolean clearOverride(String component);
}
