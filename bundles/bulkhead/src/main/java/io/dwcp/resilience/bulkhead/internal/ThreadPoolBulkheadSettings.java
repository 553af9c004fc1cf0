package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of a {@link ThreadPoolBulkhead}.
 *
 * @param operation          the operation protected, or {@code *} (a pool per operation)
 * @param coreThreads        threads kept even when idle; at least 1, since with none a pool runs one
 *                           call at a time until its queue fills
 * @param maxThreads         the most threads, hence the most calls running at once
 * @param queueCapacity      calls waiting for a thread; extra threads beyond the core start only when it is full
 * @param keepAliveNanos     how long a thread beyond the core stays idle before it ends
 * @param shutdownGraceNanos how long deactivation lets running and queued calls finish before interrupting them
 * @param isolation          per operation, or per operation and peer (a pool per peer)
 */
record ThreadPoolBulkheadSettings(String operation, int coreThreads, int maxThreads, int queueCapacity,
        long keepAliveNanos, long shutdownGraceNanos, Isolation isolation) implements BulkheadSettings {

    /** Per operation. */
    ThreadPoolBulkheadSettings(String operation, int coreThreads, int maxThreads, int queueCapacity,
            long keepAliveNanos, long shutdownGraceNanos) {
        this(operation, coreThreads, maxThreads, queueCapacity, keepAliveNanos, shutdownGraceNanos,
                Isolation.PER_OPERATION);
    }

    /** The factory PID of the thread-pool bulkhead. */
    static final String PID = "dwcp.bulkhead.threadpool";

    /** Key of {@link #coreThreads()}. */
    static final String CORE_THREADS = "core.threads";
    /** Key of {@link #maxThreads()}. */
    static final String MAX_THREADS = "max.threads";
    /** Key of {@link #keepAliveNanos()}, in milliseconds. */
    static final String KEEP_ALIVE_MS = "keep.alive.ms";
    /** Key of {@link #shutdownGraceNanos()}, in milliseconds. */
    static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";

    static final int DEFAULT_CORE_THREADS = 4;
    static final int DEFAULT_MAX_THREADS = 16;
    static final int DEFAULT_QUEUE_CAPACITY = 100;
    static final int DEFAULT_KEEP_ALIVE_MS = 60_000;
    static final int DEFAULT_SHUTDOWN_GRACE_MS = 2_000;

    /** A thread per call beyond this is no longer a bulkhead but a denial of service on the host. */
    static final int MAX_MAX_THREADS = 1_000;
    static final int MAX_KEEP_ALIVE_MS = 86_400_000;
    /** Deactivation blocks for up to twice this: keep it short of DS's own lock timeouts. */
    static final int MAX_SHUTDOWN_GRACE_MS = 60_000;

    /** @return the settings {@code values} describe */
    static ThreadPoolBulkheadSettings from(ConfigReader values) {
        String operation = values.operation();
        int core = values.intValue(CORE_THREADS, DEFAULT_CORE_THREADS, 1, MAX_MAX_THREADS);
        int max = values.intValue(MAX_THREADS, DEFAULT_MAX_THREADS, 1, MAX_MAX_THREADS);
        if (core > max) {
            throw values.refuse(CORE_THREADS, core,
                    "must not exceed " + MAX_THREADS + " (" + max + ")");
        }
        // At least 1: an idle core thread takes work only from the queue, so a queue that can hold
        // nothing would start extra threads, then reject, while core threads sit idle.
        int queue = values.intValue(QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY, 1, MAX_SIZE);
        long keepAlive = values.longValue(KEEP_ALIVE_MS, DEFAULT_KEEP_ALIVE_MS, 0, MAX_KEEP_ALIVE_MS);
        long grace = values.longValue(SHUTDOWN_GRACE_MS, DEFAULT_SHUTDOWN_GRACE_MS, 0, MAX_SHUTDOWN_GRACE_MS);
        return new ThreadPoolBulkheadSettings(operation, core, max, queue, TimeUnit.MILLISECONDS.toNanos(keepAlive),
                TimeUnit.MILLISECONDS.toNanos(grace), Isolation.read(values));
    }
}
