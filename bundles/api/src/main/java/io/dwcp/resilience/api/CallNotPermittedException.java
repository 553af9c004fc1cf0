package io.dwcp.resilience.api;

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
    }

    @Override
    public boolean isRejection() {
        return true;
    }
}
