package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.Stage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One instance of an algorithm per key (an operation, or an operation and a peer): what a stage
 * configured for {@code *} keeps, one breaker or limiter per operation that shows up. A stage
 * configured for a single operation has one instance, returned by a field read with no map look-up
 * (the call path's fast path).
 *
 * <p>Immutable in what it serves: a new configured key means a new {@code PerKey}.
 *
 * @param <V> the per-key instance
 */
public final class PerKey<V> {

    private final String configured;
    private final Function<String, V> factory;
    private final V single;
    private final Map<String, V> instances = new ConcurrentHashMap<>();

    /**
     * @param configured the key configured: one operation name, or {@code *} for every one
     * @param factory    makes the instance of a key (restoring saved state if any); called at most
     *                   once per key
     */
    public PerKey(String configured, Function<String, V> factory) {
        this.configured = configured;
        this.factory = factory;
        if (Stage.ANY_OPERATION.equals(configured)) {
            single = null;
        } else {
            single = factory.apply(configured);
            instances.put(configured, single);
        }
    }

    /** @return the key configured */
    public String configured() {
        return configured;
    }

    /** @return whether one instance serves every call */
    public boolean isSingle() {
        return single != null;
    }

    /**
     * @param key the call's key
     * @return its instance, made on first use; the single instance whatever the key when one is configured
     */
    public V get(String key) {
        V s = single;
        return s != null ? s : instances.computeIfAbsent(key, factory);
    }

    /** @return the instance of {@code key} if it exists, else {@code null} */
    public V peek(String key) {
        return instances.get(key);
    }

    /** @return every instance made so far */
    public Collection<V> all() {
        return List.copyOf(instances.values());
    }

    /**
     * @return the keys that have an instance
     * @since 1.2
     */
    public Set<String> keys() {
        return Set.copyOf(instances.keySet());
    }
}
