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

    /** @return the settings {@code values} describe */
    static ThreadPoolBulkheadSettings from(ConfigReader values) {
        ThreadPoolBulkheadConfig c = values.typed(ThreadPoolBulkheadConfig.class); // defaults and bounds: the Metatype's
        if (c.core_threads() > c.max_threads()) {
            throw values.refuse("core.threads", c.core_threads(), "must not exceed max.threads (" + c.max_threads() + ")");
        }
        return new ThreadPoolBulkheadSettings(c.dwcp_operation(), c.core_threads(), c.max_threads(), c.queue_capacity(),
                TimeUnit.MILLISECONDS.toNanos(c.keep_alive_ms()), TimeUnit.MILLISECONDS.toNanos(c.shutdown_grace_ms()),
                Isolation.of(c.scope(), c.max_peers()));
    }
}
