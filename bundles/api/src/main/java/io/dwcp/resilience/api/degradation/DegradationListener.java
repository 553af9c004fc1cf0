package io.dwcp.resilience.api.degradation;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears degradation level changes (whiteboard: register it as a service). Called on a notification
 * thread of the degradation bundle, never on a call path, in the order the changes happened.
 */
@ConsumerType
public interface DegradationListener {

    /**
     * @param component the component whose level changed, or {@link DegradationManager#OVERALL}
     * @param from      the previous level
     * @param to        the new level
     * @param reason    why, in words
     */
    void onLevelChanged(String component, DegradationLevel from, DegradationLevel to, String reason);
}
