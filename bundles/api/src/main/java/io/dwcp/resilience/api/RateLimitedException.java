package io.dwcp.resilience.api;

import java.util.function.Supplier;

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

    /**
     * A rejection whose detail is built only if the message is read (a limiter under overload
     * refuses calls at their arrival rate; most are counted, few are logged).
     *
     * @param operation       the operation
     * @param detail          builds the detail, e.g. the limit in force; capture values, not live state
     * @param retryAfterNanos when a permit is expected, from now; -1 if unknown
     * @since 1.4
     */
    public RateLimitedException(String operation, Supplier<String> detail, long retryAfterNanos) {
        super(operation, detail, null, false);
        this.retryAfterNanos = retryAfterNanos;
    }

    @Override
    protected String reasonOf(String detail) {
        return "rate limited: " + detail;
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
