package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most {@code maxConcurrentCalls} calls at once; up to {@code queueCapacity} more callers wait
 * in first-in-first-out order for at most {@code maxWait}, and never past their deadline.
 *
 * <p>The permits are {@link FairPermits}: a released permit goes to the longest waiter and a
 * newcomer never overtakes a waiter, which is the FIFO hand-off the queue promises. The uncontended
 * path is one read and one compare-and-set, takes no lock and allocates nothing (a fair
 * {@code Semaphore} here was 17 % of the full chain's samples at one thread, issue 15). The wait
 * budget is taken from the chain's clock once, when a caller joins the queue; the wait itself is
 * a timed park.
 *
 * <p>No permit leaks: a waiter that times out or is interrupted never holds one
 * ({@link FairPermits} guarantees it), and a permit taken is released in a {@code finally}.
 * Resizing adds or withdraws the difference, so permits in flight stay counted: after a shrink the
 * free count runs negative and admits no one until enough calls in flight have finished.
 */
final class QueueBulkhead implements Bulkhead<QueueBulkheadSettings> {

    private final String operation;
    private final TimeSource metricsClock;
    private final ExecutionTimer timer;
    private final FairPermits permits;
    /** Callers past the capacity check that have not left the queue yet. */
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private volatile int maxConcurrentCalls;
    private volatile int queueCapacity;
    private volatile long maxWaitNanos;

    /**
     * @param operation    the operation, named in rejections and metrics
     * @param settings     the sizes
     * @param metricsClock the clock for metrics timestamps
     * @param sampleMask   see {@link ExecutionTimer#ExecutionTimer(int)}
     */
    QueueBulkhead(String operation, QueueBulkheadSettings settings, TimeSource metricsClock, int sampleMask) {
        this.operation = operation;
        this.metricsClock = metricsClock;
        this.timer = new ExecutionTimer(sampleMask);
        this.permits = new FairPermits(settings.maxConcurrentCalls());
        this.maxConcurrentCalls = settings.maxConcurrentCalls();
        this.queueCapacity = settings.queueCapacity();
        this.maxWaitNanos = settings.maxWaitNanos();
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        if (Thread.interrupted()) {
            throw new InterruptedException(operation + ": interrupted before entering the bulkhead");
        }
        if (!permits.tryAcquireNow()) { // takes no permit while others wait: no barging
            awaitPermit(inv);
        }
        long begin = ExecutionTimer.NOT_SAMPLED;
        try {
            begin = timer.begin(inv);
            return next.proceed(inv);
        } finally {
            permits.release();
            timer.end(inv, begin);
        }
    }

    /** Returns holding a permit, or throws without one. */
    private void awaitPermit(Invocation inv) throws InterruptedException {
        int capacity = queueCapacity;
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            rejected.increment();
            int concurrent = maxConcurrentCalls;
            throw new BulkheadFullException(operation, () -> "all " + concurrent
                    + " permits in use and the queue is full (" + capacity + " waiting)");
        }
        try {
            long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
            long maxWait = maxWaitNanos;
            long budget = waitBudgetNanos(remaining, maxWait);
            if (budget > 0 && permits.acquire(budget)) {
                return;
            }
            if (remaining <= maxWait) {
                timedOut.increment();
                throw new DeadlineExceededException(operation, -1, budget > 0
                        ? "deadline reached while waiting in the bulkhead queue"
                        : "deadline had passed when the call reached the full bulkhead");
            }
            rejected.increment();
            int concurrent = maxConcurrentCalls;
            throw new BulkheadFullException(operation, () -> "no permit within the max wait of "
                    + TimeUnit.NANOSECONDS.toMillis(maxWait) + " ms (" + concurrent + " concurrent calls)");
        } catch (InterruptedException e) {
            throw new InterruptedException(operation + ": interrupted while waiting in the bulkhead queue");
        } finally {
            queued.decrementAndGet();
        }
    }

    /**
     * @param remainingNanos time left until the call's deadline ({@link Long#MAX_VALUE} without one)
     * @param maxWaitNanos   the configured max wait
     * @return how long a caller may wait for a permit: never past the deadline, never over the max wait
     */
    static long waitBudgetNanos(long remainingNanos, long maxWaitNanos) {
        return Math.min(remainingNanos, maxWaitNanos);
    }

    @Override
    public synchronized void resize(QueueBulkheadSettings settings) {
        int delta = settings.maxConcurrentCalls() - maxConcurrentCalls;
        maxConcurrentCalls = settings.maxConcurrentCalls();
        if (delta > 0) {
            permits.grow(delta);
        } else if (delta < 0) {
            permits.withdraw(-delta);
        }
        queueCapacity = settings.queueCapacity();
        maxWaitNanos = settings.maxWaitNanos();
    }

    /** @return calls holding a permit now; above the limit for a while after a shrink */
    int active() {
        return maxConcurrentCalls - permits.available();
    }

    /** @return callers waiting for a permit now */
    int queued() {
        return Math.min(queued.get(), queueCapacity);
    }

    /** @return the current limit */
    int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** @return permits free now (0 when the free count runs negative after a shrink) */
    int available() {
        return Math.max(0, permits.available());
    }

    /** @return calls rejected: queue full or no permit within the max wait */
    long rejected() {
        return rejected.sum();
    }

    /** @return calls whose deadline passed while they waited */
    long timedOut() {
        return timedOut.sum();
    }

    /** @return whether some caller is blocked in the queue (for tests that must wait for one) */
    boolean hasWaiters() {
        return permits.waiters() > 0;
    }

    /** @return how many callers are blocked in the permits' queue */
    int waiters() {
        return permits.waiters();
    }

    /** @return the mean time a timed call held its permit */
    double averageExecutionNanos() {
        return timer.averageNanos();
    }

    @Override
    public MetricsSnapshot metrics() {
        int max = maxConcurrentCalls;
        int inUse = active();
        int capacity = queueCapacity;
        int waiting = Math.min(queued.get(), capacity);
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("active", inUse);
        values.put("maxConcurrentCalls", max);
        values.put("available", available());
        values.put("utilisation", (double) inUse / max);
        values.put("queued", waiting);
        values.put("queueCapacity", capacity);
        values.put("queueUtilisation", capacity == 0 ? 0.0 : (double) waiting / capacity);
        values.put("maxWaitMillis", TimeUnit.NANOSECONDS.toMillis(maxWaitNanos));
        values.put("rejected", rejected.sum());
        values.put("timedOut", timedOut.sum());
        values.put("averageExecutionNanos", timer.averageNanos());
        return new MetricsSnapshot(METRICS_SOURCE, operation, values, metricsClock.currentTimeMillis());
    }
}
