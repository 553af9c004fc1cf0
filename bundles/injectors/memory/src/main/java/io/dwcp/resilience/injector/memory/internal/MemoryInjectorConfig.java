package io.dwcp.resilience.injector.memory.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the memory-leak injector, PID {@value #PID}. */
@ObjectClassDefinition(id = MemoryInjectorConfig.PID, name = "DWCP chaos injector: memory",
        description = "Each injection retains one more step of heap, up to a cap and never past a safety margin of the "
                + "maximum heap; everything is released on disarm or bundle stop. The call itself proceeds.")
@interface MemoryInjectorConfig {

    String PID = "dwcp.injector.memory";

    @AttributeDefinition(name = "Step (MiB)", min = "1", max = "1024", description = "Heap retained per injection.")
    int step_mb() default 16;

    @AttributeDefinition(name = "Cap (MiB)", min = "1", max = "65536", description = "Most heap retained in all.")
    int cap_mb() default 256;

    @AttributeDefinition(name = "Safety margin (%)", min = "5", max = "90",
            description = "No step is taken that would bring used heap within this share of the maximum heap.")
    int safety_margin_percent() default 25;
}
