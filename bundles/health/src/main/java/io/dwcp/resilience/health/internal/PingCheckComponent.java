package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfigRefusals;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.Pingable;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/** A ping check per factory configuration {@code dwcp.health.ping~<name>}. */
@Component(configurationPid = PingSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = HealthCheck.class)
@Designate(ocd = PingCheckConfig.class, factory = true)
public final class PingCheckComponent implements HealthCheck {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    /** The targets; the configuration key {@code pingable.target} filters them. */
    @Reference(name = "pingable", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Pingable> pingables;

    private volatile PingCheck check;

    @Activate
    void activate(PingCheckConfig config, Map<String, Object> properties) {
        try {
            check = new PingCheck(TimeSource.SYSTEM, PingSettings.from(ConfigReader.pidOf(properties, PingSettings.PID), config));
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(PingCheckConfig config, Map<String, Object> properties) {
        try {
            check = new PingCheck(TimeSource.SYSTEM, PingSettings.from(ConfigReader.pidOf(properties, PingSettings.PID), config));
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
        }
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
