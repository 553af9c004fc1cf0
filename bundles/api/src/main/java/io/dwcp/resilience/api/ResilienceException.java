package io.dwcp.resilience.api;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The root of every failure the resilience layer itself raises. Its message names the operation
 * and the reason.
 *
 * <p>Rejections ({@link #isRejection()}) carry no stack trace: under overload they are thrown at
 * the rate of the incoming calls, and their message says all a stack would. For the same reason a
 * rejection may give its reason as a {@link Supplier}: the text is built only when someone reads
 * {@link #getMessage()} or {@link #reason()} (a log line, a console), not once per refused call,
 * which most callers count and drop. The supplier should capture plain values, not live state, so
 * that the text says what was true when the call was refused.
 */
public abstract class ResilienceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    /** The reason; built from {@link #reasonSource} on first read when the exception was made lazily. */
    private String reason;
    /** Builds the reason on first read; {@code null} once built (and never serialised). */
    private transient Supplier<String> reasonSource;

    /**
     * @param operation  the operation of the call
     * @param reason     why, in words an operator understands
     * @param cause      the underlying failure, or {@code null}
     * @param stackTrace whether to record a stack trace
     */
    protected ResilienceException(String operation, String reason, Throwable cause, boolean stackTrace) {
        super(null, cause, true, stackTrace);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * A failure whose reason is built only when it is read: {@link #reasonOf(String)} of what
     * {@code detail} supplies.
     *
     * @param operation  the operation of the call
     * @param detail     builds the detail of the reason; called at most once (twice in a race)
     * @param cause      the underlying failure, or {@code null}
     * @param stackTrace whether to record a stack trace
     * @since 1.4
     */
    protected ResilienceException(String operation, Supplier<String> detail, Throwable cause, boolean stackTrace) {
        super(null, cause, true, stackTrace);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.reasonSource = Objects.requireNonNull(detail, "detail");
    }

    /**
     * The reason of an exception made with a detail supplier, from its detail; a subclass adds
     * its own words (e.g. {@code "rate limited: " + detail}). Called when the reason is first read.
     *
     * @param detail what the supplier built
     * @return the reason
     * @since 1.4
     */
    protected String reasonOf(String detail) {
        return detail;
    }

    /** @return the operation of the failed call */
    public String operation() {
        return operation;
    }

    /** @return the reason, without the operation */
    public String reason() {
        String r = reason;
        if (r == null) {
            // Benign race: two first readers build equal texts.
            Supplier<String> source = reasonSource;
            r = source == null ? "" : reasonOf(String.valueOf(source.get()));
            reason = r;
            reasonSource = null;
        }
        return r;
    }

    /** @return {@code <operation>: <reason>} */
    @Override
    public String getMessage() {
        return operation + ": " + reason();
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

    private void writeObject(ObjectOutputStream out) throws IOException {
        reason(); // the supplier is not serialisable: send its text
        out.defaultWriteObject();
    }
}
