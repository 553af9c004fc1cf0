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

/** The queue-based bulkhead as a stage: one instance per factory configuration {@code dwcp.bulkhead.queue~<name>}. */
@Component(configurationPid = QueueBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Stage.class, MetricsSource.class}, property = Stage.KIND + "=bulkhead", immediate = true)
@Designate(ocd = QueueBulkheadConfig.class, factory = true)
public class QueueBulkheadStage extends BulkheadStage<QueueBulkheadSettings, QueueBulkhead> {

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return bulkheads.forOperation(inv.operation()).execute(inv, next);
    }

    @Override
    QueueBulkheadSettings settings(Map<String, ?> properties) {
        return QueueBulkheadSettings.from(properties);
    }

    @Override
    QueueBulkhead newBulkhead(String operation, QueueBulkheadSettings settings) {
        return new QueueBulkhead(operation, settings, TimeSource.SYSTEM, ExecutionTimer.DEFAULT_SAMPLE_MASK);
    }

    @Override
    String strategy() {
        return "queue";
    }
}
