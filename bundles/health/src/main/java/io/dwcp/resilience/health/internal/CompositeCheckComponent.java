package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfigRefusals;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
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

/**
 * A composite check per factory configuration {@code dwcp.health.composite~<name>}, combining the
 * statuses the {@link HealthMonitor} holds.
 */
@Component(configurationPid = CompositeSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = HealthCheck.class)
@Designate(ocd = CompositeCheckConfig.class, factory = true)
public final class CompositeCheckComponent implements HealthCheck {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    @Reference
    private HealthMonitor monitor;

    private volatile CompositeCheck check;

    @Activate
    void activate(CompositeCheckConfig config, Map<String, Object> properties) {
        try {
            check = new CompositeCheck(TimeSource.SYSTEM,
                    CompositeSettings.from(ConfigReader.pidOf(properties, CompositeSettings.PID), config));
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(CompositeCheckConfig config, Map<String, Object> properties) {
        try {
            check = new CompositeCheck(TimeSource.SYSTEM,
                    CompositeSettings.from(ConfigReader.pidOf(properties, CompositeSettings.PID), config));
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
        }
    }

    @Override
    public String name() {
        return check.settings().name();
    }

    @Override
    public HealthResult check() {
        return check.evaluate(child -> monitor.report(child).map(HealthCheckReport::status));
    }
}
