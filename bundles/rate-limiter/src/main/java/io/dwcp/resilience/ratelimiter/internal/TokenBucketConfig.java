package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code dwcp.ratelimiter.tokenbucket~<operation>}: a fixed rate limit. */
@ObjectClassDefinition(id = TokenBucketSettings.PID, name = "DWCP rate limiter: token bucket",
        description = "A fixed rate limit per operation: a lock-free token bucket with burst, optional warm-up "
                + "and optional waiting for a permit.")
@interface TokenBucketConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Rate", description = "Permits per second; 0.001 to 1000000.", min = "0.001",
            max = "1000000")
    double rate() default 1000.0;

    @AttributeDefinition(name = "Burst", description = "Bucket capacity in permits: how many calls may go at once "
            + "after a quiet period.", min = "1", max = "1000000")
    int burst() default 100;

    @AttributeDefinition(name = "Warm-up (ms)", description = "Cold-start ramp: after a quiet period a permit "
            + "costs up to 3 times as much, falling to normal over this much time of full use. 0 = no warm-up.",
            min = "0", max = "3600000")
    double warmup_ms() default 0;

    @AttributeDefinition(name = "Max wait (ms)", description = "How long a call may wait for a permit, never past "
            + "its deadline. 0 = reject at once.", min = "0", max = "3600000")
    double max_wait_ms() default 0;

    @AttributeDefinition(name = "Permits per call", description = "Permits each call takes; at most the burst.",
            min = "1", max = "1000000")
    int permits_per_call() default 1;

    @AttributeDefinition(name = "Service ranking", description = ConfigReader.RANKING_DESCRIPTION, required = false)
    int service_ranking() default 0;
}
