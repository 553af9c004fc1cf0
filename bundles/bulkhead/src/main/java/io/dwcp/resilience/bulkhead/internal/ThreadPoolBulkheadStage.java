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

/**
 * The thread-pool bulkhead as a stage: one instance per factory configuration
 * {@code dwcp.bulkhead.threadpool~<name>}. Its pools stop, and their threads end, when it deactivates.
 */
@Component(configurationPid = ThreadPoolBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Stage.class, MetricsSource.class}, property = Stage.KIND + "=bulkhead", immediate = true)
@Designate(ocd = ThreadPoolBulkheadConfig.class, factory = true)
public class ThreadPoolBulkheadStage extends BulkheadStage<ThreadPoolBulkheadSettings, ThreadPoolBulkhead> {

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return bulkheads.forOperation(inv.operation()).execute(inv, next);
    }

    @Override
    ThreadPoolBulkheadSettings settings(Map<String, ?> properties) {
        return ThreadPoolBulkheadSettings.from(properties);
    }

    @Override
    ThreadPoolBulkhead newBulkhead(String operation, ThreadPoolBulkheadSettings settings) {
        return new ThreadPoolBulkhead(operation, settings, TimeSource.SYSTEM);
    }

    @Override
    String strategy() {
        return "thread-pool";
    }
}
