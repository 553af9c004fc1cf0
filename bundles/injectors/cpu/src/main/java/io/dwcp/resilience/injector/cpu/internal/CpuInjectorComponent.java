package io.dwcp.resilience.injector.cpu.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.injector.support.internal.ConfigurationRefusals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/** The {@code cpu} {@link FaultInjector} service. */
@Designate(ocd = CpuInjectorConfig.class)
@Component(configurationPid = CpuInjectorConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FaultInjector.class, MetricsSource.class}, property = FaultInjector.NAME + "=" + CpuSpikeInjector.NAME)
public class CpuInjectorComponent implements FaultInjector, MetricsSource {

    /** Prefix of every spike thread's name, so an operator can find them in a thread dump. */
    static final String THREAD_PREFIX = "dwcp-chaos-cpu-";

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private CpuSpikeInjector injector;

    @Activate
    void activate(CpuInjectorConfig config) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> new Thread(r, THREAD_PREFIX + n.incrementAndGet());
        try {
            injector = new CpuSpikeInjector(factory, settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
            throw e;
        }
    }

    @Modified
    void modified(CpuInjectorConfig config) {
        try {
            injector.update(settings(config));
        } catch (InvalidConfigurationException e) {
            ConfigurationRefusals.report(logger, eventAdmin, e);
        }
    }

    @Deactivate
    void deactivate() {
        injector.close();
    }

    private static CpuSettings settings(CpuInjectorConfig config) {
        return CpuSettings.of(config.threads(), config.utilisation_percent(), config.duration_ms(), config.period_ms());
    }

    @Override
    public String name() {
        return CpuSpikeInjector.NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        return injector.inject(inv, next);
    }

    @Override
    public void revert() {
        if (!injector.revert()) {
            logger.error("cpu injector: spike threads did not stop within 5 s");
        }
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("activeThreads", injector.liveThreads());
        values.put("spikes", injector.spikes());
        return List.of(new MetricsSnapshot("chaos-" + CpuSpikeInjector.NAME, "*", values, System.currentTimeMillis()));
    }
}
