package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.LoadShedException;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The load-shedding stage ({@code load-shed} slot), one per factory configuration
 * {@code dwcp.loadshed~<name>}. It asks the {@link DegradationManager} service for the overall
 * level, so any provider of that API drives it. On the stage kit: registered with the
 * {@code dwcp.operation} and ranking it accepted; a refused or same-values reconfiguration changes
 * nothing.
 */
@Component(configurationPid = LoadShedSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // the kit registers Stage and MetricsSource with the accepted properties
@Designate(ocd = LoadShedConfig.class, factory = true)
public final class LoadShedStage extends ConfiguredComponent<LoadShedSettings> implements Stage, MetricsSource {

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile DegradationManager degradation;

    private volatile LoadShedder shedder;

    /** Shed calls per operation; touched only when shedding, never on the pass path. */
    private final ConcurrentHashMap<String, LongAdder> shed = new ConcurrentHashMap<>();

    public LoadShedStage() {
        super(LoadShedSettings.PID, StageKind.LOAD_SHED.id(), Stage.class, MetricsSource.class);
    }

    @Override
    protected LoadShedSettings read(ConfigReader config) {
        return LoadShedSettings.from(config);
    }

    @Override
    protected String describe(LoadShedSettings s) {
        return "load shedding of " + s.operation() + ", priorities " + s.table().priorities();
    }

    @Override
    protected void start(LoadShedSettings s) {
        shedder = new LoadShedder(s.table(), UniformRandom.THREAD_LOCAL);
    }

    @Override
    protected void apply(LoadShedSettings previous, LoadShedSettings next) {
        start(next);
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        DegradationManager d = degradation;
        if (d != null) {
            try {
                shedder.admit(inv.operation(), d.level());
            } catch (LoadShedException e) {
                shed.computeIfAbsent(inv.operation(), op -> new LongAdder()).increment();
                throw e;
            }
        }
        return next.proceed(inv);
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        long now = System.currentTimeMillis();
        DegradationManager d = degradation;
        DegradationLevel level = d == null ? DegradationLevel.NORMAL : d.level();
        LoadShedder current = shedder;
        TreeSet<String> operations = new TreeSet<>(current.table().priorities());
        operations.addAll(shed.keySet());
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        for (String op : operations) {
            Map<String, Number> values = new LinkedHashMap<>();
            LongAdder count = shed.get(op);
            values.put("shed", count == null ? 0 : count.sum());
            values.put("shedProbability", current.table().probability(op, level));
            values.put("priority", current.table().rank(op));
            values.put("level", level.ordinal());
            snapshots.add(new MetricsSnapshot(StageKind.LOAD_SHED.id(), op, values, now));
        }
        return snapshots;
    }
}
