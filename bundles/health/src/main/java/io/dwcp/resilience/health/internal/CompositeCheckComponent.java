package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A composite check per factory configuration {@code dwcp.health.composite~<name>}, combining the
 * statuses the {@link HealthMonitor} holds.
 */
@Component(configurationPid = CompositeSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers the HealthCheck with the accepted properties
@Designate(ocd = CompositeCheckConfig.class, factory = true)
public final class CompositeCheckComponent extends ConfiguredComponent<CompositeSettings> implements HealthCheck {

    @Reference
    private HealthMonitor monitor;

    private volatile CompositeCheck check;

    public CompositeCheckComponent() {
        super(CompositeSettings.PID, HealthCheck.class);
    }

    @Override
    protected CompositeSettings read(ConfigReader config) {
        return CompositeSettings.from(config);
    }

    @Override
    protected void start(CompositeSettings settings) {
        check = new CompositeCheck(TimeSource.SYSTEM, settings);
    }

    @Override
    protected void apply(CompositeSettings previous, CompositeSettings next) {
        start(next);
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
