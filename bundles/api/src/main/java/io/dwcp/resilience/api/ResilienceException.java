package io.dwcp.resilience.api;

import java.util.Objects;

/**
 * The root of every failure the resilience layer itself raises. Its message names the operation
 * and the reason.
 *
 * <p>Rejections ({@link #isRejection()}) carry no stack trace: under overload they are thrown at
 * the rate of the incoming calls, and their message says all a stack would.
 */
public abstract class ResilienceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String reason;

    /**
     * @param operation  the operation of the call
     * @param reason     why, in words an operator understands
     * @param cause      the underlying failure, or {@code null}
     * @param stackTrace whether to record a stack trace
     */
    protected ResilienceException(String operation, String reason, Throwable cause, boolean stackTrace) {
        super(Objects.requireNonNull(operation, "operation") + ": " + Objects.requireNonNull(reason, "reason"),
                cause, true, stackTrace);
        this.operation = operation;
        this.reason = reason;
    }

    /** @return the operation of the failed call */
    public String operation() {
        return operation;
    }

    /** @return the reason, without the operation */
    public String reason() {
        return reason;
    }

    /**
     * @return whether a stage refused the call before it ran; a rejection from an outer stage is
     *         never retried
     */
    public abstract boolean isRejection();

    /** @return whether a retry stage may try the call again after this failure */
    public boolean isRetryable() {
        return !isRejection();
    }
}
