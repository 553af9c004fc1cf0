package io.dwcp.resilience.kit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One instance of an algorithm per peer of one operation (a breaker or bulkhead per peer, so that
 * one dead peer does not open {@code send} for every peer), for at most {@code maxPeers} peers: past
 * that, the peer used least recently is evicted (its instance handed to {@code evicted}, e.g. to
 * save its state).
 *
 * <p>The call path is a map read and, at most once a millisecond per peer, one volatile write of the
 * call's start time (no clock read, no lock, no allocation). A peer seen for the first time takes a
 * lock to make its instance and, when full, to find the least recently used one (a scan: rare).
 *
 * @param <V> the per-peer instance
 * @since 1.1
 */
public final class PerPeer<V> {

    /** How much a peer's last use must move before it is written again: LRU to the millisecond. */
    private static final long TOUCH_NANOS = 1_000_000;

    private static final class Entry<V> {
        final V value;
        volatile long lastUsedNanos;

        Entry(V value, long nowNanos) {
            this.value = value;
            this.lastUsedNanos = nowNanos;
        }
    }

    private final int maxPeers;
    private final Function<String, V> factory;
    private final BiConsumer<String, V> evicted;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    /**
     * @param maxPeers at most this many peers keep an instance, at least 1
     * @param factory  makes a peer's instance (restoring its saved state if any)
     * @param evicted  told of a peer and its instance when they are evicted
     */
    public PerPeer(int maxPeers, Function<String, V> factory, BiConsumer<String, V> evicted) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers " + maxPeers + " < 1");
        }
        this.maxPeers = maxPeers;
        this.factory = factory;
        this.evicted = evicted;
    }

    /**
     * @param peer     the call's peer ({@code ""} for a call to no peer in particular: one instance too)
     * @param nowNanos the call's start (the manager's clock read; no new one)
     * @return the peer's instance, made on first use
     */
    public V get(String peer, long nowNanos) {
        Entry<V> e = entries.get(peer);
        if (e == null) {
            return create(peer, nowNanos).value;
        }
        if (nowNanos - e.lastUsedNanos > TOUCH_NANOS) {
            e.lastUsedNanos = nowNanos;
        }
        return e.value;
    }

    private synchronized Entry<V> create(String peer, long nowNanos) {
        Entry<V> e = entries.get(peer);
        if (e != null) {
            return e;
        }
        if (entries.size() >= maxPeers) {
            String oldest = null;
            long oldestAt = 0;
            for (Map.Entry<String, Entry<V>> candidate : entries.entrySet()) {
                long at = candidate.getValue().lastUsedNanos;
                if (oldest == null || at - oldestAt < 0) {
                    oldest = candidate.getKey();
                    oldestAt = at;
                }
            }
            Entry<V> gone = entries.remove(oldest);
            evicted.accept(oldest, gone.value);
        }
        e = new Entry<>(factory.apply(peer), nowNanos);
        entries.put(peer, e);
        return e;
    }

    /** @return the peer's instance if it has one, else {@code null}; does not count as a use */
    public V peek(String peer) {
        Entry<V> e = entries.get(peer);
        return e == null ? null : e.value;
    }

    /** @return every peer's instance, by peer */
    public Map<String, V> all() {
        Map<String, V> all = new TreeMap<>();
        entries.forEach((peer, e) -> all.put(peer, e.value));
        return all;
    }

    /** @return how many peers keep an instance */
    public int size() {
        return entries.size();
    }

    /** @return the bound */
    public int maxPeers() {
        return maxPeers;
    }
}
