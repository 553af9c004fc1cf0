package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@value QueueBulkheadSettings#PID}: one factory configuration per operation. */
@ObjectClassDefinition(id = QueueBulkheadSettings.PID, name = "DWCP queue-based bulkhead",
        description = "Limits how many calls of an operation run at once; callers beyond the limit wait in a "
                + "bounded first-in-first-out queue, never past their deadline. One configuration per "
                + "operation, e.g. " + QueueBulkheadSettings.PID + "~send.")
@interface QueueBulkheadConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Max concurrent calls", min = "1", max = "1000000",
            description = "Calls allowed to run at once (specified: send 100, consensus 20). A change applies "
                    + "live: growing admits waiting callers at once, shrinking lets calls in flight finish.")
    int max_concurrent_calls() default 100;

    @AttributeDefinition(name = "Queue capacity", min = "0", max = "1000000",
            description = "Callers allowed to wait for a permit (specified: send 200, consensus 50); "
                    + "0 rejects at once when all permits are taken.")
    int queue_capacity() default 200;

    @AttributeDefinition(name = "Max wait (ms)", min = "0", max = "3600000",
            description = "The longest a caller waits in the queue (specified: send 5000, consensus 15000). "
                    + "A call's deadline cuts the wait shorter.")
    long max_wait_ms() default 5_000;

    @AttributeDefinition(name = "Scope", description = Isolation.SCOPE_DESCRIPTION, options = {
            @Option(label = "Operation", value = "operation"), @Option(label = "Peer", value = "peer") })
    String scope() default "operation";

    @AttributeDefinition(name = "Max peers", min = "1", max = "100000", description = Isolation.MAX_PEERS_DESCRIPTION)
    int max_peers() default Isolation.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
