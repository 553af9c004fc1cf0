package io.dwcp.resilience.injector.cpu.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the CPU-spike injector, PID {@value #PID}. */
@ObjectClassDefinition(id = CpuInjectorConfig.PID, name = "DWCP chaos injector: cpu",
        description = "Starts a CPU spike: N busy threads at a target utilisation for a bounded time. The call itself proceeds.")
@interface CpuInjectorConfig {

    String PID = "dwcp.injector.cpu";

    @AttributeDefinition(name = "Threads", min = "1", max = "64", description = "Busy threads of a spike.")
    int threads() default 1;

    @AttributeDefinition(name = "Utilisation (%)", min = "1", max = "100",
            description = "Share of each period a thread spends spinning.")
    int utilisation_percent() default 80;

    @AttributeDefinition(name = "Duration (ms)", min = "1", max = "600000",
            description = "How long a spike lasts unless chaos is disarmed first.")
    long duration_ms() default 10_000;

    @AttributeDefinition(name = "Period (ms)", min = "10", max = "1000",
            description = "Length of one spin-then-rest cycle.")
    long period_ms() default 100;
}
