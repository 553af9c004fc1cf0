package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;

/**
 * The validated configuration of one token-bucket rate limiter.
 *
 * @param operation      the operation protected, or {@code *}
 * @param rate           permits per second
 * @param burst          bucket capacity in permits
 * @param warmupNanos    warm-up period at full demand; 0 for none
 * @param maxWaitNanos   how long a call may wait for a permit (never past its deadline); 0 rejects at once
 * @param permitsPerCall permits each call takes
 */
public record TokenBucketSettings(String operation, double rate, int burst, long warmupNanos, long maxWaitNanos,
        int permitsPerCall) {

    /** Factory PID of the token-bucket component. */
    public static final String PID = "dwcp.ratelimiter.tokenbucket";

    static final String RATE = "rate";
    static final String BURST = "burst";
    static final String WARMUP_MS = "warmup.ms";
    static final String MAX_WAIT_MS = "max.wait.ms";
    static final String PERMITS_PER_CALL = "permits.per.call";

    static final double DEFAULT_RATE = 1000.0;
    static final int DEFAULT_BURST = 100;
    static final long DEFAULT_WARMUP_MS = 0;
    static final long DEFAULT_MAX_WAIT_MS = 0;
    static final int DEFAULT_PERMITS_PER_CALL = 1;

    /** Longest warm-up period and longest wait accepted: one hour. */
    static final double MAX_MILLIS = 3_600_000.0;

    /**
     * @param properties the raw configuration
     * @return the settings
     * @throws InvalidConfigurationException naming the first bad key
     */
    public static TokenBucketSettings from(Map<String, ?> properties) {
        ConfigValues values = new ConfigValues(PID, properties);
        String operation = values.operation();
        double rate = values.decimal(RATE, DEFAULT_RATE, TokenBucket.MIN_RATE, TokenBucket.MAX_RATE);
        int burst = values.integer(BURST, DEFAULT_BURST, 1, TokenBucket.MAX_BURST);
        long warmup = values.millisAsNanos(WARMUP_MS, DEFAULT_WARMUP_MS, 0, MAX_MILLIS);
        long maxWait = values.millisAsNanos(MAX_WAIT_MS, DEFAULT_MAX_WAIT_MS, 0, MAX_MILLIS);
        int permits = values.integer(PERMITS_PER_CALL, DEFAULT_PERMITS_PER_CALL, 1, TokenBucket.MAX_BURST);
        if (permits > burst) {
            throw values.refuse(PERMITS_PER_CALL, permits, "must not exceed " + BURST + " (" + burst
                    + "): a call could never get its permits");
        }
        return new TokenBucketSettings(operation, rate, burst, warmup, maxWait, permits);
    }

    /** @return a short description for log lines and rejection messages */
    public String describe() {
        return "token bucket " + Rates.format(rate) + "/s, burst " + burst;
    }
}
