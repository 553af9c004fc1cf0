package io.dwcp.resilience.injector.partition.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Network partitions for chaos: when it fires, the configured peers (or the called peer) are cut
 * off for a bounded time. {@link #isPartitioned} is the
 * {@link io.dwcp.resilience.api.chaos.PartitionPolicy} answer the transport asks per connection and
 * frame, so it costs one volatile read while no partition is in effect. {@link #revert()} heals
 * every partition at once.
 */
final class PartitionInjector {

    static final String NAME = "partition";

    private final TimeSource clock;
    private volatile PartitionSettings settings;

    /** Peer to the nano time its partition ends. */
    private final ConcurrentHashMap<String, Long> cut = new ConcurrentHashMap<>();
    /** Whether any partition may be in effect; set after a cut is added, cleared only by revert. */
    private volatile boolean any;
    private final LongAdder partitions = new LongAdder();
    private final LongAdder heals = new LongAdder();

    PartitionInjector(TimeSource clock, PartitionSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    void update(PartitionSettings next) {
        settings = next;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        PartitionSettings s = settings;
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

    /**
     * @param peer a peer
     * @return whether traffic to and from it is cut now
     */
    boolean isPartitioned(String peer) {
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
    synchronized void revert() {
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
}
