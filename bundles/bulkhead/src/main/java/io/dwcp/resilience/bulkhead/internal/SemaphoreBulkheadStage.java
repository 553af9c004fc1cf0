package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** The semaphore bulkhead as a stage: one instance per factory configuration {@code dwcp.bulkhead.semaphore~<name>}. */
@Component(configurationPid = SemaphoreBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = SemaphoreBulkheadConfig.class, factory = true)
public class SemaphoreBulkheadStage extends BulkheadStage<SemaphoreBulkheadSettings, SemaphoreBulkhead> {


    public SemaphoreBulkheadStage() {
        super(SemaphoreBulkheadSettings.PID);
    }

    @Override
    protected SemaphoreBulkheadSettings read(ConfigReader config) {
        return SemaphoreBulkheadSettings.from(config);
    }

    @Override
    SemaphoreBulkhead newBulkhead(String operation, String peer, SemaphoreBulkheadSettings settings) {
        return new SemaphoreBulkhead(operation, settings, TimeSource.SYSTEM, ExecutionTimer.DEFAULT_SAMPLE_MASK);
    }
}
