package io.dwcp.resilience.api;

/**
 * The call's deadline passed before it completed. Retryable: a retry stage outside the timeout may
 * try again while the outer deadline allows.
 */
public class DeadlineExceededException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final long timeoutNanos;

    /**
     * @param operation    the operation
     * @param timeoutNanos the timeout that expired, in nanoseconds (-1 if the deadline came from outside)
     * @param detail       where it expired, e.g. {@code waiting for acknowledgement}; may be empty
     */
    public DeadlineExceededException(String operation, long timeoutNanos, String detail) {
        super(operation, "deadline exceeded" + (timeoutNanos >= 0 ? " after " + format(timeoutNanos) : "")
                + (detail.isEmpty() ? "" : " (" + detail + ")"), null, false);
        this.timeoutNanos = timeoutNanos;
    }

    /** @return the timeout that expired in nanoseconds, or -1 when unknown */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    @Override
    public boolean isRejection() {
        return false;
    }

    private static String format(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return nanos / 1_000L + " us";
    }
}
