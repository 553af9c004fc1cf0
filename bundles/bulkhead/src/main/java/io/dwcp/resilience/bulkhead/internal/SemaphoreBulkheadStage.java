package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** The semaphore bulkhead as a stage: one instance per factory configuration {@code dwcp.bulkhead.semaphore~<name>}. */
@Component(configurationPid = SemaphoreBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Stage.class, MetricsSource.class}, property = Stage.KIND + "=bulkhead", immediate = true)
@Designate(ocd = SemaphoreBulkheadConfig.class, factory = true)
public class SemaphoreBulkheadStage extends BulkheadStage<SemaphoreBulkheadSettings, SemaphoreBulkhead> {

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return bulkheads.forOperation(inv.operation()).execute(inv, next);
    }

    @Override
    SemaphoreBulkheadSettings settings(Map<String, ?> properties) {
        return SemaphoreBulkheadSettings.from(properties);
    }

    @Override
    SemaphoreBulkhead newBulkhead(String operation, SemaphoreBulkheadSettings settings) {
        return new SemaphoreBulkhead(operation, settings, TimeSource.SYSTEM, ExecutionTimer.DEFAULT_SAMPLE_MASK);
    }

    @Override
    String strategy() {
        return "semaphore";
    }
}
