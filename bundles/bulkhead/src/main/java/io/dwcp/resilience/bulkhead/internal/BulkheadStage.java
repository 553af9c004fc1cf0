package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.Isolated;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the three bulkhead components share: one bulkhead per operation, or with {@code scope = peer}
 * one per operation and peer ({@link Isolated}, at most {@code max.peers} peers per operation), resized
 * live on a change, replaced when the configured operation or scope changes, stopped with the
 * component. Reading, refusing and registering are the kit's ({@link ConfiguredComponent}). Each
 * subclass is its own DS component with its own factory PID, so that an operator picks a strategy
 * per operation by which configuration exists (or by {@code service.ranking}).
 *
 * @param <S> the strategy's settings
 * @param <B> the strategy's bulkhead
 */
abstract class BulkheadStage<S extends BulkheadSettings, B extends Bulkhead<S>> extends ConfiguredComponent<S>
        implements Stage, MetricsSource {

    /** Replaced only when the configured operation or scope changes; resized in place otherwise. */
    private volatile Isolated<B> bulkheads;
    private volatile boolean stopped;

    BulkheadStage(String factoryPid) {
        super(factoryPid, "bulkhead", Stage.class, MetricsSource.class);
    }

    /**
     * @param operation the operation of the new bulkhead
     * @param settings  its sizes
     * @return a new bulkhead
     */
    abstract B newBulkhead(String operation, String peer, S settings);

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return bulkheads.get(inv).execute(inv, next);
    }

    @Override
    protected void start(S settings) {
        stopped = false;
        bulkheads = isolated(settings);
    }

    @Override
    protected void apply(S previous, S next) {
        Isolated<B> current = bulkheads;
        if (current.configured().equals(next.operation()) && current.isolation().equals(next.isolation())) {
            for (B bulkhead : current.instances()) {
                bulkhead.resize(next);
            }
        } else {
            // Another operation or scope: fresh bulkheads; calls in flight finish in the old ones.
            bulkheads = isolated(next);
            shutdown(current.instances());
        }
    }

    @Override
    protected void stop() {
        stopped = true;
        Isolated<B> current = bulkheads;
        if (current != null) {
            shutdown(current.instances());
        }
    }

    /**
     * One snapshot per bulkhead, with its peer when {@code scope = peer}; then, in peer scope, one
     * per operation about the whole operation that counts its peers ({@code peers}, {@code maxPeers}:
     * figures of their own names, so that a sum over peers never counts a bulkhead twice).
     */
    @Override
    public List<MetricsSnapshot> metrics() {
        Isolated<B> current = bulkheads;
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        if (current != null) {
            Map<String, Integer> peers = new TreeMap<>();
            for (Isolated.Entry<B> e : current.all()) {
                MetricsSnapshot m = e.instance().metrics();
                if (current.isolation().perPeer()) {
                    snapshots.add(m.withPeer(e.peer()));
                    peers.merge(e.operation(), 1, Integer::sum);
                } else {
                    snapshots.add(m);
                }
            }
            long now = System.currentTimeMillis();
            peers.forEach((op, n) -> snapshots.add(new MetricsSnapshot(Bulkhead.METRICS_SOURCE, op,
                    Map.of("peers", n, "maxPeers", current.isolation().maxPeers()), now)));
        }
        return snapshots;
    }

    /** @return the bulkheads in force (for tests) */
    Isolated<B> bulkheads() {
        return bulkheads;
    }

    private Isolated<B> isolated(S settings) {
        return new Isolated<>(settings.operation(), settings.isolation(), (operation, peer) -> {
            if (stopped) {
                // A call still on an old chain after deactivation: a bulkhead made now would
                // start threads that nothing would ever stop.
                throw new BulkheadFullException(operation, "the bulkhead stage has stopped");
            }
            // The settings in force when the operation first shows up, not those of the start.
            S current = settings();
            return newBulkhead(operation, peer, current.operation().equals(settings.operation())
                    && current.isolation().equals(settings.isolation()) ? current : settings);
        }, this::evicted);
    }

    /**
     * A peer evicted past {@code max.peers}: calls in flight finish in its bulkhead (they hold it);
     * the peer's next call starts a fresh one, so for a moment the peer may run up to twice its
     * limit. A bulkhead with threads stops them on a thread of its own, not on the caller's.
     */
    private void evicted(String operation, String peer, B bulkhead) {
        logger.info("{}: bulkhead of {} peer {} evicted (more than {} peers)", pid(), operation, peer,
                settings().isolation().maxPeers());
        if (bulkhead.holdsThreads()) {
            Thread t = new Thread(() -> shutdown(List.of(bulkhead)), "dwcp-bulkhead-evicted " + operation + " " + peer);
            t.setDaemon(true);
            t.start();
        }
    }

    private void shutdown(List<B> stopping) {
        List<String> stragglers = new ArrayList<>();
        for (B bulkhead : stopping) {
            stragglers.addAll(bulkhead.shutdown());
        }
        if (!stragglers.isEmpty()) {
            logger.warn("{}: bulkhead stopped, but these worker threads ignore interruption and still run: {}", pid(),
                    stragglers);
        }
    }
}
