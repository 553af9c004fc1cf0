package io.dwcp.resilience.injector.partition.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.injector.support.internal.ConfigurationRefusals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code partition} {@link FaultInjector}, and the {@link PartitionPolicy} through which the
 * transport (and, until the transport enforces it, the chaos engine) learns which peers are cut off.
 */
@Designate(ocd = PartitionInjectorConfig.class)
@Component(configurationPid = PartitionInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, PartitionPolicy.class, MetricsSource.class},
        property = FaultInjector.NAME + "=" + PartitionInjector.NAME)
public class PartitionInjectorComponent implements FaultInjector, PartitionPolicy, MetricsSource {

    private final Logger logger;
    private final PartitionInjector injector;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    /**
     * @param config     the configuration; invalid values stop the component from starting
     * @param logger     the bundle's logger
     * @param timeSource the layer's clock, when one is registered
     */
    @Activate
    public PartitionInjectorComponent(PartitionInjectorConfig config,
            @Reference(service = LoggerFactory.class) Logger logger,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            TimeSource timeSource) {
        this.logger = logger;
        try {
            this.injector = new PartitionInjector(timeSource == null ? TimeSource.SYSTEM : timeSource,
                    PartitionSettings.of(config.peers(), config.duration_ms()));
        } catch (InvalidConfigurationException e) {
            logger.error(e.getMessage());
            throw e;
        }
    }

    @Modified
    void modified(PartitionInjectorConfig config) {
        try {
            injector.update(PartitionSettings.of(config.peers(), config.duration_ms()));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    @Deactivate
    void deactivate() {
        injector.revert();
    }

    @Override
    public String name() {
        return PartitionInjector.NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        return injector.inject(inv, next);
    }

    @Override
    public void revert() {
        injector.revert();
    }

    @Override
    public boolean isPartitioned(String peer) {
        return injector.isPartitioned(peer);
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("partitionedPeers", injector.partitionedPeers());
        values.put("partitions", injector.partitions());
        values.put("heals", injector.heals());
        return List.of(new MetricsSnapshot("chaos-" + PartitionInjector.NAME, "*", values, System.currentTimeMillis()));
    }
}
