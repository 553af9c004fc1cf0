package io.dwcp.resilience.injector.partition.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code partition} fault injector: when it fires, the configured peers (or the called peer) are
 * cut off for a bounded time. It is also the {@link PartitionPolicy} the transport asks per
 * connection and frame, so {@link #isPartitioned} costs one volatile read while no partition is in
 * effect. {@link #revert()} heals every partition at once.
 */
@Component(configurationPid = PartitionInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + PartitionInjector.NAME)
@Designate(ocd = PartitionInjector.Config.class)
public final class PartitionInjector extends ConfiguredInjector<PartitionInjector.Settings>
        implements PartitionPolicy {

    static final String PID = "dwcp.injector.partition";
    static final String NAME = "partition";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: partition", description = "Cuts traffic to and from "
            + "peers for a bounded time; the transport and the chaos engine consult it through the PartitionPolicy service.")
    @interface Config {
        @AttributeDefinition(name = "Peers", description = "Comma-separated peers to cut off when the injector fires; "
                + "empty cuts off the peer the injected call was addressed to.")
        String peers() default "";

        @AttributeDefinition(name = "Duration (ms)", min = "1", max = "3600000",
                description = "How long a partition lasts unless chaos is disarmed first.")
        long duration_ms() default 30_000;
    }

    /**
     * @param peers         the peers to cut off; empty for the addressed peer
     * @param durationNanos how long a partition lasts
     */
    record Settings(Set<String> peers, long durationNanos) {
    }

    /** The layer's clock, when one is registered (static: a partition's end is read on one clock). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private TimeSource timeSource;

    private volatile TimeSource clock;
    /** Peer to the nano time its partition ends. */
    private final ConcurrentHashMap<String, Long> cut = new ConcurrentHashMap<>();
    /** Whether any partition may be in effect; set after a cut is added, cleared only by revert. */
    private volatile boolean any;
    private final LongAdder partitions = new LongAdder();
    private final LongAdder heals = new LongAdder();

    public PartitionInjector() {
        this(null);
    }

    /** @param clock the clock, or {@code null} for the registered one (else the JVM's) */
    PartitionInjector(TimeSource clock) {
        super(PID, NAME, PartitionPolicy.class);
        this.clock = clock;
    }

    @Override
    protected Settings read(ConfigReader config) {
        Config c = config.typed(Config.class);
        long durationMs = c.duration_ms();
        String peers = c.peers();
        Set<String> set = new LinkedHashSet<>();
        if (!peers.isEmpty()) {
            for (String p : peers.split(",", -1)) {
                if (p.isBlank()) {
                    throw config.refuse("peers", peers, "contains an empty peer");
                }
                set.add(p.trim());
            }
        }
        return new Settings(Set.copyOf(set), TimeUnit.MILLISECONDS.toNanos(durationMs));
    }

    @Override
    protected void start(Settings settings) {
        if (clock == null) {
            clock = timeSource == null ? TimeSource.SYSTEM : timeSource;
        }
    }

    @Override
    protected String describe(Settings s) {
        return "cuts " + (s.peers().isEmpty() ? "the called peer" : s.peers()) + " for " + s.durationNanos() / 1_000_000
                + " ms";
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        Settings s = settings();
        Set<String> victims = s.peers().isEmpty()
                ? (inv.peer().isEmpty() ? Set.of() : Set.of(inv.peer()))
                : s.peers();
        if (!victims.isEmpty()) {
            long until = Invocation.deadlineAfter(clock.nanoTime(), s.durationNanos());
            synchronized (this) { // ordered against revert: a heal never loses to a cut made before it
                for (String peer : victims) {
                    cut.merge(peer, until, Math::max);
                }
                any = true;
            }
            partitions.increment();
        }
        if (isPartitioned(inv.peer())) {
            throw new InjectedFaultException(inv.operation(), NAME, "peer '" + inv.peer() + "' is partitioned");
        }
        return next.proceed(inv);
    }

    @Override
    public boolean isPartitioned(String peer) {
        if (!any || peer == null) {
            return false;
        }
        Long until = cut.get(peer);
        if (until == null) {
            return false;
        }
        if (clock.nanoTime() - until >= 0) {
            cut.remove(peer, until); // ran out by itself
            return false;
        }
        return true;
    }

    /** Heals every partition. */
    @Override
    public synchronized void revert() {
        if (!cut.isEmpty()) {
            heals.increment();
        }
        any = false;
        cut.clear();
    }

    /** @return how many peers are cut off now */
    int partitionedPeers() {
        long now = clock.nanoTime();
        int n = 0;
        for (Long until : cut.values()) {
            if (now - until < 0) {
                n++;
            }
        }
        return n;
    }

    long partitions() {
        return partitions.sum();
    }

    long heals() {
        return heals.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("partitionedPeers", partitionedPeers());
        values.put("partitions", partitions());
        values.put("heals", heals());
        return snapshot(values);
    }
}
