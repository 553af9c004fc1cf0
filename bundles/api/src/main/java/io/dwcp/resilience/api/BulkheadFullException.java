package io.dwcp.resilience.api;

import java.util.function.Supplier;

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

    /**
     * A rejection whose detail is built only if the message is read.
     *
     * @param operation the operation
     * @param detail    builds the detail; capture values, not live state
     * @since 1.4
     */
    public BulkheadFullException(String operation, Supplier<String> detail) {
        super(operation, detail, null, false);
    }

    @Override
    protected String reasonOf(String detail) {
        return "bulkhead full: " + detail;
    }

    @Override
    public boolean isRejection() {
        return true;
    }
}
