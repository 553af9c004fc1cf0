package io.dwcp.resilience.api;

/** A rate limiter had no permit for the call within the time it may wait. */
public class RateLimitedException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterNanos;

    /**
     * @param operation       the operation
     * @param detail          e.g. the limit in force
     * @param retryAfterNanos when a permit is expected, from now; -1 if unknown
     */
    public RateLimitedException(String operation, String detail, long retryAfterNanos) {
        super(operation, "rate limited: " + detail, null, false);
        this.retryAfterNanos = retryAfterNanos;
    }

    @Override
    public boolean isRejection() {
        return true;
    }

    /** @return nanoseconds until a permit is expected, or -1 when unknown */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }
}
