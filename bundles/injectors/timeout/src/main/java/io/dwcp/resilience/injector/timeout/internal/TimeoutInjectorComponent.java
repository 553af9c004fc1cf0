package io.dwcp.resilience.injector.timeout.internal;

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

/** The {@code timeout} {@link FaultInjector} service. */
@Designate(ocd = TimeoutInjectorConfig.class)
@Component(configurationPid = TimeoutInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + TimeoutInjector.NAME)
public class TimeoutInjectorComponent implements FaultInjector, MetricsSource {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private TimeoutInjector injector;

    @Activate
    void activate(TimeoutInjectorConfig config) {
        try {
            injector = new TimeoutInjector(new RevertibleSleeper(), TimeoutSettings.of(config.max_hold_ms()));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(TimeoutInjectorConfig config) {
        try {
            injector.update(TimeoutSettings.of(config.max_hold_ms()));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    @Deactivate
    void deactivate() {
        injector.revert();
    }

    @Override
    public String name() {
        return TimeoutInjector.NAME;
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
        values.put("timedOut", injector.timedOut());
        values.put("released", injector.released());
        values.put("holding", injector.holding());
        return List.of(new MetricsSnapshot("chaos-" + TimeoutInjector.NAME, "*", values, System.currentTimeMillis()));
    }
}
