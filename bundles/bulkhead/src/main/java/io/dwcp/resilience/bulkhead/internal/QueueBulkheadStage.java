package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** The queue-based bulkhead as a stage: one instance per factory configuration {@code dwcp.bulkhead.queue~<name>}. */
@Component(configurationPid = QueueBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = QueueBulkheadConfig.class, factory = true)
public class QueueBulkheadStage extends BulkheadStage<QueueBulkheadSettings, QueueBulkhead> {


    public QueueBulkheadStage() {
        super(QueueBulkheadSettings.PID);
    }

    @Override
    protected QueueBulkheadSettings read(ConfigReader config) {
        return QueueBulkheadSettings.from(config);
    }

    @Override
    QueueBulkhead newBulkhead(String operation, String peer, QueueBulkheadSettings settings) {
        return new QueueBulkhead(operation, settings, TimeSource.SYSTEM, ExecutionTimer.DEFAULT_SAMPLE_MASK);
    }
}
