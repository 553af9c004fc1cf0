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

    // Past 1000 threads a thread per call is no longer a bulkhead but a denial of service on the host.
    @AttributeDefinition(name = "Core threads", min = "1", max = "1000",
            description = "Threads kept even when idle. Must not exceed max threads.")
    int core_threads() default 4;

    @AttributeDefinition(name = "Max threads", min = "1", max = "1000",
            description = "The most threads, hence the most calls running at once. Threads beyond the core "
                    + "start only when the queue is full.")
    int max_threads() default 16;

    // At least 1: an idle core thread takes work only from the queue, so a queue that can hold nothing
    // would start extra threads, then reject, while core threads sit idle.
    @AttributeDefinition(name = "Queue capacity", min = "1", max = "1000000",
            description = "Calls waiting for a thread; beyond it (and max threads) a call is rejected.")
    int queue_capacity() default 100;

    @AttributeDefinition(name = "Keep-alive (ms)", min = "0", max = "86400000",
            description = "How long a thread beyond the core stays idle before it ends.")
    long keep_alive_ms() default 60_000;

    // Deactivation blocks for up to twice this: keep it short of DS's own lock timeouts.
    @AttributeDefinition(name = "Shutdown grace (ms)", min = "0", max = "60000",
            description = "When the component stops, how long running and queued calls may finish before "
                    + "they are interrupted and cancelled.")
    long shutdown_grace_ms() default 2_000;

    @AttributeDefinition(name = "Scope", description = Isolation.SCOPE_DESCRIPTION, options = {
            @Option(label = "Operation", value = "operation"), @Option(label = "Peer", value = "peer") })
    String scope() default "operation";

    @AttributeDefinition(name = "Max peers", min = "1", max = "100000", description = Isolation.MAX_PEERS_DESCRIPTION)
    int max_peers() default Isolation.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
