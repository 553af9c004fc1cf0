package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A threshold check per factory configuration {@code dwcp.health.threshold~<name>}, reading the
 * {@link ResilienceManager}'s counters.
 */
@Component(configurationPid = ThresholdSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers the HealthCheck with the accepted properties
@Designate(ocd = ThresholdCheckConfig.class, factory = true)
public final class ThresholdCheckComponent extends ConfiguredComponent<ThresholdSettings> implements HealthCheck {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResilienceManager manager;

    private volatile ThresholdCheck check;

    public ThresholdCheckComponent() {
        super(ThresholdSettings.PID, HealthCheck.class);
    }

    @Override
    protected ThresholdSettings read(ConfigReader config) {
        return ThresholdSettings.from(config);
    }

    @Override
    protected void start(ThresholdSettings settings) {
        check = new ThresholdCheck(TimeSource.SYSTEM, settings);
    }

    @Override
    protected void apply(ThresholdSettings previous, ThresholdSettings next) {
        start(next);
    }

    @Override
    public String name() {
        return check.settings().name();
    }

    @Override
    public HealthResult check() {
        ThresholdCheck current = check;
        ResilienceManager m = manager;
        if (m == null) {
            return new HealthResult(HealthStatus.UNKNOWN, "no ResilienceManager service to read counters from", Map.of(),
                    System.currentTimeMillis());
        }
        return current.evaluate(counts(m, current.settings().operation()));
    }

    static CallCounts counts(ResilienceManager manager, String operation) {
        if (!"*".equals(operation)) {
            return CallCounts.of(manager.metrics(operation));
        }
        CallCounts sum = CallCounts.ZERO;
        for (String op : manager.operations()) {
            sum = sum.plus(CallCounts.of(manager.metrics(op)));
        }
        return sum;
    }
}
