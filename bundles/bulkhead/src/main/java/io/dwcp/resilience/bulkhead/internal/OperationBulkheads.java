package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The bulkheads of one configuration: one for a configuration of a single operation, or, for
 * {@code dwcp.operation = *}, a separate one per operation, made on its first call. A bulkhead
 * shared by all operations would let one slow operation starve the others, the very thing a
 * bulkhead is there to prevent.
 *
 * @param <S> the settings type
 * @param <B> the bulkhead type
 */
final class OperationBulkheads<S extends BulkheadSettings, B extends Bulkhead<S>> {

    private final String scope;
    private final BiFunction<String, S, B> factory;
    /** The bulkhead of a single-operation configuration, else {@code null}. */
    private final B single;
    /** The bulkheads of a {@code *} configuration, else {@code null}. */
    private final ConcurrentHashMap<String, B> perOperation;
    /** Guarded by {@code this}, with {@link #stopped}: new bulkheads are made with the latest settings. */
    private S settings;
    private boolean stopped;

    /**
     * @param settings the validated settings; their operation is the scope
     * @param factory  makes the bulkhead of one operation
     */
    OperationBulkheads(S settings, BiFunction<String, S, B> factory) {
        this.scope = settings.operation();
        this.factory = factory;
        this.settings = settings;
        if (Stage.ANY_OPERATION.equals(scope)) {
            this.single = null;
            this.perOperation = new ConcurrentHashMap<>();
        } else {
            this.single = factory.apply(scope, settings);
            this.perOperation = null;
        }
    }

    /** @return the operation configured, or {@code *} */
    String scope() {
        return scope;
    }

    /**
     * @param operation the operation of a call
     * @return its bulkhead (for a single-operation configuration, the one bulkhead, whatever the
     *         call's operation: the manager routes only matching calls here)
     * @throws BulkheadFullException when a {@code *} configuration has stopped and the operation has no bulkhead yet
     */
    B forOperation(String operation) {
        B bulkhead = single;
        if (bulkhead != null) {
            return bulkhead;
        }
        bulkhead = perOperation.get(operation);
        return bulkhead != null ? bulkhead : create(operation);
    }

    private synchronized B create(String operation) {
        B bulkhead = perOperation.get(operation);
        if (bulkhead == null) {
            if (stopped) {
                // A call still on an old chain after deactivation: making a bulkhead now would
                // start threads that nothing would ever stop.
                throw new BulkheadFullException(operation, "the bulkhead stage has stopped");
            }
            bulkhead = factory.apply(operation, settings);
            perOperation.put(operation, bulkhead);
        }
        return bulkhead;
    }

    /** @param newSettings sizes to apply live to every bulkhead, and to those made later */
    synchronized void resize(S newSettings) {
        settings = newSettings;
        for (B bulkhead : all()) {
            bulkhead.resize(newSettings);
        }
    }

    /** @return the current settings */
    synchronized S settings() {
        return settings;
    }

    /** @return every bulkhead made so far */
    List<B> all() {
        return single != null ? List.of(single) : new ArrayList<>(perOperation.values());
    }

    /** @return one snapshot per bulkhead */
    List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        for (B bulkhead : all()) {
            snapshots.add(bulkhead.metrics());
        }
        return snapshots;
    }

    /**
     * Stops every bulkhead (see {@link Bulkhead#shutdown()}); a {@code *} configuration makes no
     * new ones afterwards.
     *
     * @return the names of threads that would not end
     */
    List<String> shutdown() {
        synchronized (this) {
            stopped = true;
        }
        List<String> stragglers = new ArrayList<>();
        for (B bulkhead : all()) {
            stragglers.addAll(bulkhead.shutdown());
        }
        return stragglers;
    }
}
