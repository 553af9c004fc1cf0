package io.dwcp.resilience.injector.latency.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the latency injector, PID {@value #PID}. */
@ObjectClassDefinition(id = LatencyInjectorConfig.PID, name = "DWCP chaos injector: latency",
        description = "Delays a call by a random time drawn from a distribution within [min, max]; never past the call's deadline.")
@interface LatencyInjectorConfig {

    String PID = "dwcp.injector.latency";

    @AttributeDefinition(name = "Minimum delay (ms)", min = "0", description = "Shortest delay, in milliseconds.")
    long min_ms() default 50;

    @AttributeDefinition(name = "Maximum delay (ms)", min = "0", max = "600000",
            description = "Longest delay, in milliseconds; at least the minimum, at most 10 minutes.")
    long max_ms() default 200;

    @AttributeDefinition(name = "Distribution", description = "uniform over [min, max]; normal centred in the range "
            + "(6 standard deviations wide, clipped); exponential from min with mean a quarter of the range (clipped).",
            options = {@Option(label = "uniform", value = "uniform"), @Option(label = "normal", value = "normal"),
                    @Option(label = "exponential", value = "exponential")})
    String distribution() default "uniform";
}
