package io.dwcp.resilience.injector.error.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.injector.support.internal.ConfigurationRefusals;
import java.util.List;
import java.util.Map;
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

/** The {@code error} {@link FaultInjector} service. It holds nothing, so revert has nothing to undo. */
@Designate(ocd = ErrorInjectorConfig.class)
@Component(configurationPid = ErrorInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + ErrorInjector.NAME)
public class ErrorInjectorComponent implements FaultInjector, MetricsSource {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private ErrorInjector injector;

    @Activate
    void activate(ErrorInjectorConfig config) {
        try {
            injector = new ErrorInjector(settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(ErrorInjectorConfig config) {
        try {
            injector.update(settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    private ErrorSettings settings(ErrorInjectorConfig config) {
        ErrorSettings s = ErrorSettings.of(config.exception(), config.message(), getClass().getClassLoader());
        logger.info("error injector: throws {} ('{}')", s.exceptionType().getName(), s.message());
        return s;
    }

    @Override
    public String name() {
        return ErrorInjector.NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        return injector.inject(inv, next);
    }

    @Override
    public void revert() {
        // An error is over once thrown: nothing stays in effect.
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        return List.of(new MetricsSnapshot("chaos-" + ErrorInjector.NAME, "*", Map.of("thrown", injector.thrown()),
                System.currentTimeMillis()));
    }
}
