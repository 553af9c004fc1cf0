package io.dwcp.resilience.injector.panic.internal;

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
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/** The {@code panic} {@link FaultInjector} service. A panic is over once thrown: revert has nothing to undo. */
@Designate(ocd = PanicInjectorConfig.class)
@Component(configurationPid = PanicInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + PanicInjector.NAME)
public class PanicInjectorComponent implements FaultInjector, MetricsSource {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private PanicInjector injector;

    @Activate
    void activate(PanicInjectorConfig config) {
        try {
            injector = new PanicInjector(() -> ThreadLocalRandom.current().nextDouble(), PanicKind.parse(config.kind()));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(PanicInjectorConfig config) {
        try {
            injector.update(PanicKind.parse(config.kind()));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    @Override
    public String name() {
        return PanicInjector.NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) {
        return injector.inject(inv, next);
    }

    @Override
    public void revert() {
        // nothing stays in effect after a panic
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("exceptions", injector.exceptions());
        values.put("errors", injector.errors());
        return List.of(new MetricsSnapshot("chaos-" + PanicInjector.NAME, "*", values, System.currentTimeMillis()));
    }
}
