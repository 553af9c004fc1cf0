package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * Reports a refused configuration the one way every component does: one ERROR line whose message
 * names PID, key, value and reason, and one event on
 * {@value ResilienceEvents#CONFIGURATION_REFUSED} with the properties {@code pid}, {@code key},
 * {@code value}, {@code reason} (the bare reason), {@code message} (the log line) and
 * {@code timestamp}.
 */
public final class ConfigRefusals {

    /** Event property: the full message, as logged. */
    public static final String MESSAGE = "message";
    /** Event property: the refused value, as text. */
    public static final String VALUE = "value";

    private ConfigRefusals() {
    }

    /**
     * @param logger     where to log, or {@code null}
     * @param eventAdmin where to post, or {@code null}
     * @param refused    what was refused
     */
    public static void report(Logger logger, EventAdmin eventAdmin, InvalidConfigurationException refused) {
        if (logger != null) {
            logger.error(refused.getMessage());
        }
        if (eventAdmin != null) {
            eventAdmin.postEvent(event(refused, System.currentTimeMillis()));
        }
    }

    /** @return the event posted for {@code refused} */
    public static Event event(InvalidConfigurationException refused, long timestampMillis) {
        return new Event(ResilienceEvents.CONFIGURATION_REFUSED, Map.of(
                ResilienceEvents.PID, refused.pid(),
                ResilienceEvents.KEY, refused.key(),
                VALUE, refused.value(),
                ResilienceEvents.REASON, refused.reason(),
                MESSAGE, refused.getMessage(),
                ResilienceEvents.TIMESTAMP, timestampMillis));
    }
}
