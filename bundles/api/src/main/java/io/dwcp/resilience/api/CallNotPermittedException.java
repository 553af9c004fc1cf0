package io.dwcp.resilience.api;

import java.util.function.Supplier;

/** A circuit breaker refused the call (OPEN, FORCED_OPEN, or HALF_OPEN with no probe left). */
public class CallNotPermittedException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param operation the operation
     * @param state     the breaker's state, e.g. {@code OPEN}
     * @param detail    more, e.g. how long it stays open; may be empty
     */
    public CallNotPermittedException(String operation, String state, String detail) {
        super(operation, "circuit breaker is " + state + " and does not permit calls" + (detail.isEmpty() ? "" : " (" + detail + ")"), null, false);
        this.state = state;
    }

    /**
     * A rejection whose detail is built only if the message is read.
     *
     * @param operation the operation
     * @param state     the breaker's state, e.g. {@code OPEN}
     * @param detail    builds the detail (may build an empty one); capture values, not live state
     * @since 1.4
     */
    public CallNotPermittedException(String operation, String state, Supplier<String> detail) {
        super(operation, detail, null, false);
        this.state = state;
    }

    /** The state named by the lazily built reason; {@code null} when the reason was given as text. */
    private final String state;

    @Override
    protected String reasonOf(String detail) {
        return "circuit breaker is " + state + " and does not permit calls" + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    @Override
    public boolean isRejection() {
        return true;
    }
}
