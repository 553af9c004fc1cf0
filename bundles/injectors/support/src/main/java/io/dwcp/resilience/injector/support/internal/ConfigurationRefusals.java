package io.dwcp.resilience.injector.support.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/** The one way an injector component reports a refused configuration: an ERROR line and an event. */
public final class ConfigurationRefusals {

    private ConfigurationRefusals() {
    }

    /**
     * @param logger     the component's logger
     * @param eventAdmin EventAdmin, or {@code null} when absent
     * @param refusal    what was refused; its message names PID, key, value and reason
     */
    public static void report(Logger logger, EventAdmin eventAdmin, InvalidConfigurationException refusal) {
        logger.error(refusal.getMessage());
        if (eventAdmin != null) {
            eventAdmin.postEvent(new Event(ResilienceEvents.CONFIGURATION_REFUSED, Map.of(
                    ResilienceEvents.PID, refusal.pid(), ResilienceEvents.KEY, refusal.key(),
                    ResilienceEvents.REASON, refusal.getMessage())));
        }
    }
}
