package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The thread-pool bulkhead as a stage: one instance per factory configuration
 * {@code dwcp.bulkhead.threadpool~<name>}. Its pools stop, and their threads end, when it deactivates.
 */
@Component(configurationPid = ThreadPoolBulkheadSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ThreadPoolBulkheadConfig.class, factory = true)
public class ThreadPoolBulkheadStage extends BulkheadStage<ThreadPoolBulkheadSettings, ThreadPoolBulkhead> {


    public ThreadPoolBulkheadStage() {
        super(ThreadPoolBulkheadSettings.PID);
    }

    @Override
    protected ThreadPoolBulkheadSettings read(ConfigReader config) {
        return ThreadPoolBulkheadSettings.from(config);
    }

    @Override
    ThreadPoolBulkhead newBulkhead(String operation, String peer, ThreadPoolBulkheadSettings settings) {
        return new ThreadPoolBulkhead(operation, peer, settings, TimeSource.SYSTEM);
    }
}
