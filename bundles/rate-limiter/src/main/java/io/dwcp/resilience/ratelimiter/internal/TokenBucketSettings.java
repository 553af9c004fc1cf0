package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;

/**
 * The validated configuration of one token-bucket rate limiter. The defaults are written once, in
 * the Metatype ({@link TokenBucketConfig}).
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
    private static final TokenBucketConfig DEFAULTS = Rates.defaults(PID, TokenBucketConfig.class);
    /** Longest warm-up period and longest wait accepted: one hour. */
    static final double MAX_MILLIS = 3_600_000.0;

    /** @throws InvalidConfigurationException naming the first bad key */
    static TokenBucketSettings from(ConfigReader in) {
        int burst = in.intValue("burst", DEFAULTS.burst(), 1, TokenBucket.MAX_BURST);
        int permits = in.intValue("permits.per.call", DEFAULTS.permits_per_call(), 1, TokenBucket.MAX_BURST);
        if (permits > burst) {
            throw in.refuse("permits.per.call", permits, "must not exceed burst (" + burst + "): a call could never get its permits");
        }
        return new TokenBucketSettings(in.operation(), in.doubleValue("rate", DEFAULTS.rate(), TokenBucket.MIN_RATE,
                TokenBucket.MAX_RATE), burst, Rates.nanos(in, "warmup.ms", DEFAULTS.warmup_ms(), 0, MAX_MILLIS),
                Rates.nanos(in, "max.wait.ms", DEFAULTS.max_wait_ms(), 0, MAX_MILLIS), permits);
    }

    /** @return a short description for log lines and rejection messages */
    public String describe() {
        return "token bucket " + Rates.format(rate) + "/s, burst " + burst;
    }
}
