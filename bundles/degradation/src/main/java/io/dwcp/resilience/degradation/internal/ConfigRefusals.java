package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/** Reports a refused configuration the same way in every component: an ERROR line and an event. */
final class ConfigRefusals {

    private ConfigRefusals() {
    }

    /**
     * @param properties a component's properties
     * @param fallback   the PID to name when they carry none
     * @return the configuration's PID ({@code service.pid}, e.g. {@code dwcp.health.ping~transport})
     */
    static String pid(Map<String, Object> properties, String fallback) {
        Object pid = properties.get("service.pid");
        return pid == null ? fallback : pid.toString();
    }

    /**
     * @param logger     the component's logger
     * @param eventAdmin EventAdmin, or {@code null}
     * @param refused    what was refused; its message names PID, key, value and reason
     */
    static void report(Logger logger, EventAdmin eventAdmin, InvalidConfigurationException refused) {
        logger.error(refused.getMessage());
        if (eventAdmin != null) {
            eventAdmin.postEvent(new Event(ResilienceEvents.CONFIGURATION_REFUSED, Map.of(
                    ResilienceEvents.PID, refused.pid(),
                    ResilienceEvents.KEY, refused.key(),
                    ResilienceEvents.REASON, refused.getMessage(),
                    ResilienceEvents.TIMESTAMP, System.currentTimeMillis())));
        }
    }
}
