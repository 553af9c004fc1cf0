package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The hedge stage's configuration, for consoles' forms: one factory configuration
 * {@code dwcp.hedge~<name>} per operation. The one place of every key's default and bounds, checked
 * by the kit against the generated Metatype; {@link HedgeSettings#read} adds the rules across keys.
 */
@ObjectClassDefinition(name = "DWCP hedge",
        description = "For an idempotent operation: when the first attempt is slower than the observed latency"
                + " percentile, sends a second; the first success wins.")
@interface HedgeConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Idempotent", description = "Must be true: states that the operation is safe to run"
            + " twice. A hedge is refused without it.")
    boolean idempotent() default false;

    @AttributeDefinition(name = "Percentile", min = "50", max = "99.99",
            description = "The latency percentile of successful attempts after which a second attempt is sent.")
    double percentile() default 95.0;

    @AttributeDefinition(name = "Window (ms)", min = "100", max = "3600000", description = "How long each latency window lasts.")
    long window_ms() default 10_000;

    @AttributeDefinition(name = "Minimum samples", min = "1", max = "1000000",
            description = "A window with fewer successful attempts leaves the delay as it was.")
    int min_samples() default 50;

    @AttributeDefinition(name = "Initial delay (ms)", min = "0", max = "600000",
            description = "The delay until a window with enough samples has completed.")
    long initial_delay_ms() default 50;

    @AttributeDefinition(name = "Minimum delay (ms)", min = "0", max = "600000", description = "The shortest delay.")
    long min_delay_ms() default 1;

    @AttributeDefinition(name = "Maximum delay (ms)", min = "1", max = "600000", description = "The longest delay.")
    long max_delay_ms() default 5_000;

    @AttributeDefinition(name = "Budget (% of calls)", min = "0", max = "100",
            description = "Hedges allowed per 100 calls in the long run.")
    double budget_percent() default 5.0;

    @AttributeDefinition(name = "Budget burst", min = "1", max = "100000", description = "Hedges allowed at once.")
    int budget_burst() default 10;

    @AttributeDefinition(name = "Threads", min = "1", max = "1024",
            description = "Threads running attempts; when none is free, a call runs without a hedge.")
    int max_threads() default 32;

    @AttributeDefinition(name = "Slot", description = "Where the stage sits in the chain: before:<kind> or"
            + " after:<kind> of a built-in kind.")
    String dwcp_stage_position() default "after:retry";

    @AttributeDefinition(name = "Ranking", description = "The higher wins when two hedge stages serve one operation.")
    int service_ranking() default 0;
}
