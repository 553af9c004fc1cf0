package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.Pingable;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/** A ping check per factory configuration {@code dwcp.health.ping~<name>}. */
@Component(configurationPid = PingSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {}) // the kit registers the HealthCheck with the accepted properties
@Designate(ocd = PingCheckConfig.class, factory = true)
public final class PingCheckComponent extends ConfiguredComponent<PingSettings> implements HealthCheck {

    /** The targets; the configuration key {@code pingable.target} filters them. */
    @Reference(name = "pingable", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Pingable> pingables;

    private volatile PingCheck check;

    public PingCheckComponent() {
        super(PingSettings.PID, HealthCheck.class);
    }

    @Override
    protected PingSettings read(ConfigReader config) {
        return PingSettings.from(config);
    }

    @Override
    protected void start(PingSettings settings) {
        check = new PingCheck(TimeSource.SYSTEM, settings);
    }

    @Override
    protected void apply(PingSettings previous, PingSettings next) {
        start(next);
    }

    @Override
    public String name() {
        return check.settings().name();
    }

    @Override
    public HealthResult check() throws InterruptedException {
        List<Pingable> targets = pingables;
        return check.run(targets == null ? List.of() : targets);
    }
}
