package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;

/**
 * The validated configuration of one token-bucket rate limiter. Defaults and bounds are written
 * once, in the Metatype ({@link TokenBucketConfig}, which matches {@link TokenBucket}'s limits).
 *
 * @param operation      the operation protected, or {@code *}
 * @param rate           permits per second
 * @param burst          bucket capacity in permits
 * @param warmupNanos    warm-up period at full demand; 0 for none
 * @param maxWaitNanos   how long a call may wait for a permit (never past its deadline); 0 rejects at once
 * @param permitsPerCall permits each call takes
 */
public record TokenBucketSettings(String operation, double rate, int burst, long warmupNanos, long maxWaitNanos,
        int permitsPerCall) implements ConfiguredComponent.Scoped {

    /** Factory PID of the token-bucket component. */
    public static final String PID = "dwcp.ratelimiter.tokenbucket";

    /** @throws InvalidConfigurationException naming the first bad key (defaults and bounds: the Metatype's) */
    static TokenBucketSettings from(ConfigReader in) {
        TokenBucketConfig c = in.typed(TokenBucketConfig.class);
        if (c.permits_per_call() > c.burst()) {
            throw in.refuse("permits.per.call", c.permits_per_call(), "must not exceed burst (" + c.burst()
                    + "): a call could never get its permits");
        }
        return new TokenBucketSettings(c.dwcp_operation(), c.rate(), c.burst(), AdaptiveRateSettings.nanos(c.warmup_ms()),
                AdaptiveRateSettings.nanos(c.max_wait_ms()), c.permits_per_call());
    }

    /** @return a short description for log lines and rejection messages */
    public String describe() {
        return "token bucket " + Rates.format(rate) + "/s, burst " + burst;
    }
}
