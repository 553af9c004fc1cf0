package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.PerKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What the three bulkhead components share: one bulkhead per operation ({@link PerKey}), resized
 * live on a change, replaced when the configured operation changes, stopped with the component.
 * Reading, refusing and registering are the kit's ({@link ConfiguredComponent}). Each subclass is
 * its own DS component with its own factory PID, so that an operator picks a strategy per
 * operation by which configuration exists (or by {@code service.ranking}).
 *
 * @param <S> the strategy's settings
 * @param <B> the strategy's bulkhead
 */
abstract class BulkheadStage<S extends BulkheadSettings, B extends Bulkhead<S>> extends ConfiguredComponent<S>
        implements Stage, MetricsSource {

    /** Replaced only when the configured operation changes; resized in place otherwise. */
    private volatile PerKey<B> bulkheads;
    private volatile boolean stopped;

    BulkheadStage(String factoryPid) {
        super(factoryPid, "bulkhead", Stage.class, MetricsSource.class);
    }

    /**
     * @param operation the operation of the new bulkhead
     * @param settings  its sizes
     * @return a new bulkhead
     */
    abstract B newBulkhead(String operation, S settings);

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return bulkheads.get(inv.operation()).execute(inv, next);
    }

    @Override
    protected void start(S settings) {
        stopped = false;
        bulkheads = perOperation(settings);
    }

    @Override
    protected void apply(S previous, S next) {
        PerKey<B> current = bulkheads;
        if (current.configured().equals(next.operation())) {
            for (B bulkhead : current.all()) {
                bulkhead.resize(next);
            }
        } else {
            // Another operation: fresh bulkheads; calls in flight finish in the old ones.
            bulkheads = perOperation(next);
            shutdown(current);
        }
    }

    @Override
    protected void stop() {
        stopped = true;
        PerKey<B> current = bulkheads;
        if (current != null) {
            shutdown(current);
        }
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        PerKey<B> current = bulkheads;
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        if (current != null) {
            for (B bulkhead : current.all()) {
                snapshots.add(bulkhead.metrics());
            }
        }
        return snapshots;
    }

    /** @return the bulkheads in force (for tests) */
    PerKey<B> bulkheads() {
        return bulkheads;
    }

    private PerKey<B> perOperation(S settings) {
        return new PerKey<>(settings.operation(), operation -> {
            if (stopped) {
                // A call still on an old chain after deactivation: a bulkhead made now would
                // start threads that nothing would ever stop.
                throw new BulkheadFullException(operation, "the bulkhead stage has stopped");
            }
            // The settings in force when the operation first shows up, not those of the start.
            return newBulkhead(operation, settings().operation().equals(settings.operation()) ? settings() : settings);
        });
    }

    private void shutdown(PerKey<B> stopping) {
        List<String> stragglers = new ArrayList<>();
        for (B bulkhead : stopping.all()) {
            stragglers.addAll(bulkhead.shutdown());
        }
        if (!stragglers.isEmpty()) {
            logger.warn("{}: bulkhead stopped, but these worker threads ignore interruption and still run: {}", pid(),
                    stragglers);
        }
    }
}
