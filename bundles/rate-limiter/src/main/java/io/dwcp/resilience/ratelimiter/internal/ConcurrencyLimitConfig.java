package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@code dwcp.ratelimiter.concurrency~<operation>}: an adaptive limit on calls in flight. */
@ObjectClassDefinition(id = ConcurrencyLimitSettings.PID, name = "DWCP rate limiter: adaptive concurrency",
        description = "Limits the calls in flight and adapts the limit to latency (gradient2) or to drops (aimd).")
@interface ConcurrencyLimitConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Algorithm", options = {
        @Option(value = "gradient2", label = "Gradient2: long-term vs short-term RTT"),
        @Option(value = "aimd", label = "AIMD: back off on drops, probe by +1")
    })
    String algorithm() default "gradient2";

    @AttributeDefinition(name = "Initial limit", min = "1", max = "1000000")
    int initial_limit() default 20;

    @AttributeDefinition(name = "Minimum limit", min = "1", max = "1000000")
    int min_limit() default 4;

    @AttributeDefinition(name = "Maximum limit", min = "1", max = "1000000")
    int max_limit() default 1000;

    @AttributeDefinition(name = "Window (calls)", description = "Calls a window needs before the limit moves.",
            min = "1", max = "1000000")
    int window_samples() default 10;

    @AttributeDefinition(name = "Window minimum (ms)", description = "How long a window lasts at least.", min = "0",
            max = "600000")
    double window_min_ms() default 250.0;

    @AttributeDefinition(name = "Gradient2: RTT tolerance", description = "Short-term RTT may exceed the long-term "
            + "RTT by this factor before the limit shrinks.", min = "1", max = "100")
    double gradient_tolerance() default 1.5;

    @AttributeDefinition(name = "Gradient2: smoothing", description = "Weight of a new estimate (0..1].",
            max = "1")
    double gradient_smoothing() default 0.2;

    @AttributeDefinition(name = "Gradient2: long window", description = "Windows in the long-term RTT average.",
            min = "1", max = "1000000")
    int gradient_long_window() default 2400;

    @AttributeDefinition(name = "Gradient2: queue size", description = "Calls allowed to queue beyond the "
            + "RTT-derived limit; also the growth per window (times smoothing).", min = "0",
            max = "1000000")
    int gradient_queue_size() default 4;

    @AttributeDefinition(name = "AIMD: backoff ratio", description = "Factor applied after a window with drops.",
            max = "0.999")
    double aimd_backoff_ratio() default 0.9;

    @AttributeDefinition(name = "AIMD: drop latency (ms)", description = "A call slower than this counts as a drop.",
            min = "0.001", max = "3600000")
    double aimd_drop_latency_ms() default 1000.0;

    @AttributeDefinition(name = "AIMD: drop share", description = "The limit backs off after a window in which more "
            + "than this share of the calls were drops (0.05: the window's P95 exceeded the drop latency); 0 = any "
            + "single drop.", min = "0", max = "0.999")
    double aimd_drop_share() default 0.05;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
