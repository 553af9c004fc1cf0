package io.dwcp.resilience.injector.latency.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.injector.support.internal.ConfigurationRefusals;
import io.dwcp.resilience.injector.support.internal.RevertibleSleeper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/** The {@code latency} {@link FaultInjector} service. */
@Designate(ocd = LatencyInjectorConfig.class)
@Component(configurationPid = LatencyInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + LatencyInjectorComponent.NAME)
public class LatencyInjectorComponent implements FaultInjector, MetricsSource {

    static final String NAME = "latency";

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private LatencyInjector injector;

    @Activate
    void activate(LatencyInjectorConfig config) {
        try {
            injector = new LatencyInjector(new RevertibleSleeper(), ThreadLocalRandom::current, settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(LatencyInjectorConfig config) {
        try {
            injector.update(settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    @Deactivate
    void deactivate() {
        injector.revert();
    }

    private LatencySettings settings(LatencyInjectorConfig config) {
        LatencySettings s = LatencySettings.of(config.min_ms(), config.max_ms(), config.distribution());
        logger.info("latency injector: delays {}-{} ms, {}", config.min_ms(), config.max_ms(), s.distribution());
        return s;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        return injector.inject(inv, next);
    }

    @Override
    public void revert() {
        injector.revert();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("delays", injector.delays());
        values.put("delayedMillis", injector.delayedNanos() / 1_000_000);
        values.put("deadlineHits", injector.deadlineHits());
        values.put("cutShort", injector.cutShort());
        values.put("delaying", injector.delaying());
        return List.of(new MetricsSnapshot("chaos-" + NAME, "*", values, System.currentTimeMillis()));
    }
}
