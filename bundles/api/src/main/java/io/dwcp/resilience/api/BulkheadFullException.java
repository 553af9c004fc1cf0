package io.dwcp.resilience.api;

/** A bulkhead had no room for the call (all permits taken and the queue full, or the wait ran out). */
public class BulkheadFullException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param operation the operation
     * @param detail    e.g. {@code 100 of 100 concurrent calls, queue 200/200}
     */
    public BulkheadFullException(String operation, String detail) {
        super(operation, "bulkhead full: " + detail, null, false);
    }

    @Override
    public boolean isRejection() {
        return true;
    }
}
