package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@value SemaphoreBulkheadSettings#PID}: one factory configuration per operation. */
@ObjectClassDefinition(id = SemaphoreBulkheadSettings.PID, name = "DWCP semaphore bulkhead",
        description = "Limits how many calls of an operation run at once and rejects the next one at once. "
                + "One configuration per operation, e.g. " + SemaphoreBulkheadSettings.PID + "~send.")
@interface SemaphoreBulkheadConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Max concurrent calls", min = "1", max = "1000000",
            description = "Calls allowed to run at once; the next call is rejected with BulkheadFullException. "
                    + "A change applies live: shrinking lets calls in flight finish.")
    int max_concurrent_calls() default 25;

    @AttributeDefinition(name = "Scope", description = Isolation.SCOPE_DESCRIPTION, options = {
            @Option(label = "Operation", value = "operation"), @Option(label = "Peer", value = "peer") })
    String scope() default "operation";

    @AttributeDefinition(name = "Max peers", min = "1", max = "100000", description = Isolation.MAX_PEERS_DESCRIPTION)
    int max_peers() default Isolation.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
