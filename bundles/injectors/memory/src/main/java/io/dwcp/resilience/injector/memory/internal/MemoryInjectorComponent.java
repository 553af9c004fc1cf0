package io.dwcp.resilience.injector.memory.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.injector.support.internal.ConfigurationRefusals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** The {@code memory} {@link FaultInjector} service. */
@Designate(ocd = MemoryInjectorConfig.class)
@Component(configurationPid = MemoryInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + MemoryLeakInjector.NAME)
public class MemoryInjectorComponent implements FaultInjector, MetricsSource {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private MemoryLeakInjector injector;

    @Activate
    void activate(MemoryInjectorConfig config) {
        try {
            injector = new MemoryLeakInjector(HeapGauge.JVM, settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(MemoryInjectorConfig config) {
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

    private static MemorySettings settings(MemoryInjectorConfig config) {
        return MemorySettings.of(config.step_mb(), config.cap_mb(), config.safety_margin_percent());
    }

    @Override
    public String name() {
        return MemoryLeakInjector.NAME;
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
        values.put("retainedBytes", injector.retainedBytes());
        values.put("steps", injector.steps());
        values.put("capped", injector.capped());
        values.put("marginRefusals", injector.marginRefusals());
        return List.of(new MetricsSnapshot("chaos-" + MemoryLeakInjector.NAME, "*", values, System.currentTimeMillis()));
    }
}
