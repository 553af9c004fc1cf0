package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@value ThreadPoolBulkheadSettings#PID}: one factory configuration per operation. */
@ObjectClassDefinition(id = ThreadPoolBulkheadSettings.PID, name = "DWCP thread-pool bulkhead",
        description = "Runs the calls of an operation on a dedicated pool of named worker threads; the caller "
                + "waits for the result within its deadline. The pool stops with the component. One "
                + "configuration per operation, e.g. " + ThreadPoolBulkheadSettings.PID + "~sync.")
@interface ThreadPoolBulkheadConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Core threads", min = "1", max = "" + ThreadPoolBulkheadSettings.MAX_MAX_THREADS,
            description = "Threads kept even when idle. Must not exceed max threads.")
    int core_threads() default ThreadPoolBulkheadSettings.DEFAULT_CORE_THREADS;

    @AttributeDefinition(name = "Max threads", min = "1", max = "" + ThreadPoolBulkheadSettings.MAX_MAX_THREADS,
            description = "The most threads, hence the most calls running at once. Threads beyond the core "
                    + "start only when the queue is full.")
    int max_threads() default ThreadPoolBulkheadSettings.DEFAULT_MAX_THREADS;

    @AttributeDefinition(name = "Queue capacity", min = "1", max = "" + BulkheadSettings.MAX_SIZE,
            description = "Calls waiting for a thread; beyond it (and max threads) a call is rejected.")
    int queue_capacity() default ThreadPoolBulkheadSettings.DEFAULT_QUEUE_CAPACITY;

    @AttributeDefinition(name = "Keep-alive (ms)", min = "0", max = "" + ThreadPoolBulkheadSettings.MAX_KEEP_ALIVE_MS,
            description = "How long a thread beyond the core stays idle before it ends.")
    long keep_alive_ms() default ThreadPoolBulkheadSettings.DEFAULT_KEEP_ALIVE_MS;

    @AttributeDefinition(name = "Shutdown grace (ms)", min = "0",
            max = "" + ThreadPoolBulkheadSettings.MAX_SHUTDOWN_GRACE_MS,
            description = "When the component stops, how long running and queued calls may finish before "
                    + "they are interrupted and cancelled.")
    long shutdown_grace_ms() default ThreadPoolBulkheadSettings.DEFAULT_SHUTDOWN_GRACE_MS;

    @AttributeDefinition(name = "Scope", description = Isolation.SCOPE_DESCRIPTION, options = {
            @Option(label = "Operation", value = "operation"), @Option(label = "Peer", value = "peer") })
    String scope() default "operation";

    @AttributeDefinition(name = "Max peers", min = "1", max = "100000", description = Isolation.MAX_PEERS_DESCRIPTION)
    int max_peers() default Isolation.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
