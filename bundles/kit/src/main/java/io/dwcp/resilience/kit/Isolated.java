package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stage's algorithm instances as its {@link Isolation} splits them: one per operation
 * ({@link PerKey}), or one per operation and peer ({@link PerPeer} inside {@link PerKey}), bounded by
 * {@code max.peers} per operation with the least recently used peer evicted past it.
 *
 * <p>The call path ({@link #get(Invocation)}) is, for one configured operation in operation scope,
 * one field read (no map look-up, no allocation, as before peer scope existed); for {@code *} in
 * operation scope, one map read; in peer scope, two map reads and at most one volatile write a
 * millisecond per peer.
 *
 * <p>Immutable in what it serves: another operation or another isolation means a new
 * {@code Isolated}.
 *
 * @param <V> the instance
 * @since 1.2
 */
public final class Isolated<V> {

    /** Makes the instance of an operation (and peer): restoring its saved state, if any. */
    @FunctionalInterface
    public interface Factory<V> {
        /**
         * @param operation the operation
         * @param peer      the peer, {@link Invocation#NO_PEER} in operation scope (and for calls to no peer)
         * @return the instance, not {@code null}
         */
        V make(String operation, String peer);
    }

    /**
     * Told of a peer's instance evicted past {@code max.peers}. Runs on the calling thread of the
     * call that brought the new peer, under the eviction lock: hand slow work (a store write, a
     * thread pool's shutdown) to another thread.
     */
    @FunctionalInterface
    public interface Evicted<V> {
        /**
         * @param operation the operation
         * @param peer      the peer evicted
         * @param instance  its instance, which calls in flight may still be using
         */
        void evicted(String operation, String peer, V instance);
    }

    /** One instance with the operation and peer it serves. */
    public record Entry<V>(String operation, String peer, V instance) {
    }

    private final String configured;
    private final Isolation isolation;
    private final V single;
    private final PerKey<V> byOperation;
    private final PerKey<PerPeer<V>> byPeer;

    /**
     * @param configured the operation configured, or {@code *}
     * @param isolation  operation or peer scope
     * @param factory    makes an instance; called at most once per operation (and peer) while it is kept
     * @param evicted    told of evicted peers' instances (peer scope only)
     */
    public Isolated(String configured, Isolation isolation, Factory<V> factory, Evicted<V> evicted) {
        this.configured = configured;
        this.isolation = isolation;
        if (isolation.perPeer()) {
            int max = isolation.maxPeers();
            byPeer = new PerKey<>(configured, op -> new PerPeer<>(max, peer -> factory.make(op, peer),
                    (peer, instance) -> evicted.evicted(op, peer, instance)));
            byOperation = null;
            single = null;
        } else {
            byPeer = null;
            byOperation = new PerKey<>(configured, op -> factory.make(op, Invocation.NO_PEER));
            single = byOperation.isSingle() ? byOperation.get(configured) : null;
        }
    }

    /** @return the operation configured, or {@code *} */
    public String configured() {
        return configured;
    }

    /** @return how instances are split */
    public Isolation isolation() {
        return isolation;
    }

    /** @return whether one instance serves every call (one operation, operation scope) */
    public boolean isSingle() {
        return single != null;
    }

    /**
     * The call path.
     *
     * @param inv the call
     * @return the instance of its operation (and peer), made on first use
     */
    public V get(Invocation inv) {
        V s = single;
        if (s != null) {
            return s;
        }
        PerKey<V> ops = byOperation;
        if (ops != null) {
            return ops.get(inv.operation());
        }
        return byPeer.get(inv.operation()).get(inv.peer(), inv.startNanos());
    }

    /**
     * For consoles and tests: the instance of an operation and peer, made if missing.
     *
     * @param operation the operation; must be the configured one unless {@code *} is configured
     * @param peer      the peer (ignored in operation scope)
     * @param nowNanos  the time of the use, for least-recently-used eviction
     * @return the instance
     * @throws IllegalArgumentException when this does not serve {@code operation}
     */
    public V get(String operation, String peer, long nowNanos) {
        checkServes(operation);
        return byOperation != null ? byOperation.get(operation) : byPeer.get(operation).get(peer, nowNanos);
    }

    /**
     * @param operation an operation served
     * @return its instances by peer ({@link Invocation#NO_PEER} the one key in operation scope),
     *         none made; empty when the operation has not shown up yet
     * @throws IllegalArgumentException when this does not serve {@code operation}
     */
    public Map<String, V> of(String operation) {
        checkServes(operation);
        Map<String, V> out = new TreeMap<>();
        if (byOperation != null) {
            V v = byOperation.peek(operation);
            if (v != null) {
                out.put(Invocation.NO_PEER, v);
            }
        } else {
            PerPeer<V> peers = byPeer.peek(operation);
            if (peers != null) {
                out.putAll(peers.all());
            }
        }
        return out;
    }

    /** @return every instance made so far (and not evicted), by operation then peer */
    public List<Entry<V>> all() {
        List<Entry<V>> out = new ArrayList<>();
        if (byOperation != null) {
            Map<String, V> sorted = new TreeMap<>();
            for (String op : byOperation.keys()) {
                sorted.put(op, byOperation.peek(op));
            }
            sorted.forEach((op, v) -> out.add(new Entry<>(op, Invocation.NO_PEER, v)));
        } else {
            Map<String, PerPeer<V>> sorted = new TreeMap<>();
            for (String op : byPeer.keys()) {
                sorted.put(op, byPeer.peek(op));
            }
            sorted.forEach((op, peers) -> peers.all().forEach((peer, v) -> out.add(new Entry<>(op, peer, v))));
        }
        return out;
    }

    /** @return every instance made so far (and not evicted) */
    public List<V> instances() {
        List<V> out = new ArrayList<>();
        for (Entry<V> e : all()) {
            out.add(e.instance());
        }
        return out;
    }

    private void checkServes(String operation) {
        if (!Stage.ANY_OPERATION.equals(configured) && !configured.equals(operation)) {
            throw new IllegalArgumentException("serves " + configured + ", not " + operation);
        }
    }
}
