package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.StripedPermits;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most {@code maxConcurrentCalls} calls at once; the next one is rejected at once.
 *
 * <p>A permit is one increment of a counter, taken by compare-and-set only while the counter is
 * below the limit, and given back in a {@code finally}, so no outcome of the rest of the chain (a
 * result, an exception, an error, an inner rejection, an interruption) can keep it. Resizing
 * changes only the limit: permits in flight stay counted and come back as usual, so after a
 * shrink new calls are refused until the calls in flight drop below the new limit.
 */
final class SemaphoreBulkhead implements Bulkhead<SemaphoreBulkheadSettings> {

    private final String operation;
    private final TimeSource metricsClock;
    private final ExecutionTimer timer;
    /**
     * The permits, striped (kit {@link StripedPermits}, issue 15): a call takes one from its thread's
     * stripe, else borrows one, and gives it back to its stripe; one shared counter was a CAS and a
     * decrement on one line for every call of every thread. Never more calls than the limit; a
     * smaller limit lets calls in flight finish and admits none until they are below it.
     */
    private final StripedPermits permits;
    private final LongAdder rejected = new LongAdder();
    private volatile int maxConcurrentCalls;

    /**
     * @param operation    the operation, named in rejections and metrics
     * @param settings     the sizes
     * @param metricsClock the clock for metrics timestamps
     * @param sampleMask   see {@link ExecutionTimer#ExecutionTimer(int)}
     */
    SemaphoreBulkhead(String operation, SemaphoreBulkheadSettings settings, TimeSource metricsClock, int sampleMask) {
        this.operation = operation;
        this.metricsClock = metricsClock;
        this.timer = new ExecutionTimer(sampleMask);
        this.maxConcurrentCalls = settings.maxConcurrentCalls();
        this.permits = new StripedPermits(maxConcurrentCalls);
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        if (!tryAcquire()) {
            rejected.increment();
            throw full();
        }
        // Everything after the permit is taken sits inside the try: not even a failing clock may keep it.
        long begin = ExecutionTimer.NOT_SAMPLED;
        try {
            begin = timer.begin(inv);
            return next.proceed(inv);
        } finally {
            permits.release();
            timer.end(inv, begin);
        }
    }

    /** @return whether a permit was taken */
    boolean tryAcquire() {
        return permits.tryAcquire();
    }

    private BulkheadFullException full() {
        int inUse = active();
        int concurrent = maxConcurrentCalls;
        return new BulkheadFullException(operation, () -> inUse + " of " + concurrent
                + " concurrent calls in use (semaphore bulkhead)");
    }

    @Override
    public synchronized void resize(SemaphoreBulkheadSettings settings) {
        maxConcurrentCalls = settings.maxConcurrentCalls();
        permits.setLimit(maxConcurrentCalls);
    }

    /** @return calls holding a permit now */
    int active() {
        return (int) permits.inUse();
    }

    /** @return the current limit */
    int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** @return calls rejected so far */
    long rejected() {
        return rejected.sum();
    }

    /** @return the mean time a timed call held its permit */
    double averageExecutionNanos() {
        return timer.averageNanos();
    }

    @Override
    public MetricsSnapshot metrics() {
        int max = maxConcurrentCalls;
        int inUse = active();
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("active", inUse);
        values.put("maxConcurrentCalls", max);
        values.put("available", Math.max(0, max - inUse));
        values.put("utilisation", (double) inUse / max);
        values.put("queued", 0);
        values.put("queueCapacity", 0);
        values.put("queueUtilisation", 0.0);
        values.put("rejected", rejected.sum());
        values.put("averageExecutionNanos", timer.averageNanos());
        return new MetricsSnapshot(METRICS_SOURCE, operation, values, metricsClock.currentTimeMillis());
    }
}
