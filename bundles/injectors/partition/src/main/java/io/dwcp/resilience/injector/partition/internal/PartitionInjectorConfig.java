package io.dwcp.resilience.injector.partition.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the partition injector, PID {@value #PID}. */
@ObjectClassDefinition(id = PartitionInjectorConfig.PID, name = "DWCP chaos injector: partition",
        description = "Cuts traffic to and from peers for a bounded time; the transport and the chaos engine consult it "
                + "through the PartitionPolicy service.")
@interface PartitionInjectorConfig {

    String PID = "dwcp.injector.partition";

    @AttributeDefinition(name = "Peers", description = "Comma-separated peers to cut off when the injector fires; "
            + "empty cuts off the peer the injected call was addressed to.")
    String peers() default "";

    @AttributeDefinition(name = "Duration (ms)", min = "1", max = "3600000",
            description = "How long a partition lasts unless chaos is disarmed first.")
    long duration_ms() default 30_000;
}
