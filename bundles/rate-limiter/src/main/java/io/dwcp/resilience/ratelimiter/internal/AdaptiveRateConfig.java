package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code dwcp.ratelimiter.adaptive~<operation>}: a rate that follows the P95 latency. */
@ObjectClassDefinition(id = AdaptiveRateSettings.PID, name = "DWCP rate limiter: adaptive (P95)",
        description = "A rate limit that adapts to latency: after every window of calls it lowers the rate by "
                + "decrease.step when the window's P95 exceeds decrease.above x target, and raises it by "
                + "increase.step when the P95 is below increase.below x target.")
@interface AdaptiveRateConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Initial rate", description = "Permits per second a fresh limiter starts with "
            + "(a limit saved before a restart or swap takes precedence).", min = "0.001", max = "1000000")
    double initial_rate() default 1000.0;

    @AttributeDefinition(name = "Minimum rate", description = "The controller never goes below this.",
            min = "0.001", max = "1000000")
    double min_rate() default 100.0;

    @AttributeDefinition(name = "Maximum rate", description = "The controller never goes above this.",
            min = "0.001", max = "1000000")
    double max_rate() default 10_000.0;

    @AttributeDefinition(name = "Target P95 (ms)", description = "The P95 latency to steer towards.",
            min = "0.001", max = "3600000")
    double target_p95_ms() default 100.0;

    @AttributeDefinition(name = "Window (calls)", description = "Latencies per window; one adjustment per "
            + "window. At least 20.", min = "20", max = "1000000")
    int window_samples() default 100;

    @AttributeDefinition(name = "Window minimum (ms)", description = "How long a window lasts at least, so that "
            + "a window spans enough time at any rate. 0 = samples only.", min = "0", max = "600000")
    double window_min_ms() default 500.0;

    @AttributeDefinition(name = "Decrease above", description = "Lower the rate when P95 > this x target.",
            min = "1", max = "100")
    double decrease_above() default 1.2;

    @AttributeDefinition(name = "Increase below", description = "Raise the rate when P95 < this x target.",
            max = "1")
    double increase_below() default 0.8;

    @AttributeDefinition(name = "Decrease step", description = "Fraction a decrease takes off the rate.",
            max = "0.9")
    double decrease_step() default 0.10;

    @AttributeDefinition(name = "Increase step", description = "Fraction an increase adds to the rate.",
            max = "10")
    double increase_step() default 0.05;

    @AttributeDefinition(name = "Burst (ms of rate)", description = "The bucket holds this much time's worth of "
            + "the current rate.", min = "0.001", max = "60000")
    double burst_ms() default 100.0;

    @AttributeDefinition(name = "Max wait (ms)", description = "How long a call may wait for a permit, never past "
            + "its deadline. 0 = reject at once.", min = "0", max = "3600000")
    double max_wait_ms() default 0.0;

    @AttributeDefinition(name = "Permits per call", description = "Permits each call takes.", min = "1",
            max = "1000000")
    int permits_per_call() default 1;

    @AttributeDefinition(name = "In-flight factor", description = "Calls in flight are capped at rate x this x "
            + "target P95 (Little's law): when the server completes fewer calls than the rate admits, the backlog "
            + "stays bounded and latency with it. 0 = no cap.", min = "0", max = "100")
    double inflight_factor() default 0.3;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
