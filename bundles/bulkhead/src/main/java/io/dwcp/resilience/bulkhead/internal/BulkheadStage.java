package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * What the three bulkhead components share: validating configuration, building the bulkheads,
 * resizing them live, refusing a bad change while keeping the previous one, and stopping them.
 * Each subclass is its own DS component with its own factory PID, so that an operator picks a
 * strategy per operation by which configuration exists (or by {@code service.ranking}).
 *
 * <p>The components are immediate: a delayed one would register its {@code Stage} service before
 * validating its configuration, and the manager, binding greedily, would meet a service whose
 * activation fails. Immediate, a bad configuration is refused (and logged) as soon as it arrives.
 *
 * @param <S> the strategy's settings
 * @param <B> the strategy's bulkhead
 */
abstract class BulkheadStage<S extends BulkheadSettings, B extends Bulkhead<S>> implements Stage, MetricsSource {

    @Reference(service = LoggerFactory.class)
    Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    /** Replaced only when the configured operation changes; resized in place otherwise. */
    volatile OperationBulkheads<S, B> bulkheads;

    /**
     * @param properties the configuration
     * @return the validated settings
     * @throws InvalidConfigurationException for the first bad value
     */
    abstract S settings(Map<String, ?> properties);

    /**
     * @param operation the operation of the new bulkhead
     * @param settings  its sizes
     * @return a new bulkhead
     */
    abstract B newBulkhead(String operation, S settings);

    /** @return the strategy's name for log lines, e.g. {@code queue} */
    abstract String strategy();

    @Activate
    void activate(Map<String, Object> properties) {
        S settings;
        try {
            settings = settings(properties);
        } catch (InvalidConfigurationException e) {
            logger.error("{} bulkhead not started: {}", strategy(), e.getMessage());
            postRefusal(e);
            throw e;
        }
        bulkheads = new OperationBulkheads<>(settings, this::newBulkhead);
        logger.info("{} bulkhead started: {}", strategy(), settings);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        S settings;
        try {
            settings = settings(properties);
        } catch (InvalidConfigurationException e) {
            logger.error(e.getMessage());
            postRefusal(e);
            return;
        }
        OperationBulkheads<S, B> current = bulkheads;
        if (current.scope().equals(settings.operation())) {
            current.resize(settings);
            logger.info("{} bulkhead resized live: {}", strategy(), settings);
        } else {
            // Another operation: fresh bulkheads; calls in flight finish in the old ones.
            bulkheads = new OperationBulkheads<>(settings, this::newBulkhead);
            logger.info("{} bulkhead moved from operation {} to {}: {}", strategy(), current.scope(),
                    settings.operation(), settings);
            reportStragglers(current.shutdown());
        }
    }

    @Deactivate
    void deactivate() {
        OperationBulkheads<S, B> current = bulkheads;
        if (current != null) {
            reportStragglers(current.shutdown());
            logger.info("{} bulkhead for {} stopped", strategy(), current.scope());
        }
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        OperationBulkheads<S, B> current = bulkheads;
        return current == null ? List.of() : current.metrics();
    }

    /** @return the settings in force (for tests) */
    S currentSettings() {
        return bulkheads.settings();
    }

    private void reportStragglers(List<String> threads) {
        if (!threads.isEmpty()) {
            logger.warn("{} bulkhead stopped, but these worker threads ignore interruption and still run: {}",
                    strategy(), threads);
        }
    }

    private void postRefusal(InvalidConfigurationException refusal) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(ResilienceEvents.PID, refusal.pid());
        properties.put(ResilienceEvents.KEY, refusal.key());
        properties.put(ResilienceEvents.REASON, refusal.getMessage());
        properties.put(ResilienceEvents.TIMESTAMP, System.currentTimeMillis());
        events.postEvent(new Event(ResilienceEvents.CONFIGURATION_REFUSED, properties));
    }
}
