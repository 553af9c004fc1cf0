package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;

/**
 * Validated settings of a {@link SemaphoreBulkhead}.
 *
 * @param operation          the operation protected, or {@code *}
 * @param maxConcurrentCalls calls allowed to run at once; the next one is rejected at once
 * @param isolation          per operation, or per operation and peer
 */
record SemaphoreBulkheadSettings(String operation, int maxConcurrentCalls, Isolation isolation)
        implements BulkheadSettings {

    /** Per operation. */
    SemaphoreBulkheadSettings(String operation, int maxConcurrentCalls) {
        this(operation, maxConcurrentCalls, Isolation.PER_OPERATION);
    }

    /** The factory PID of the semaphore bulkhead. */
    static final String PID = "dwcp.bulkhead.semaphore";

    /** @return the settings {@code values} describe */
    static SemaphoreBulkheadSettings from(ConfigReader values) {
        SemaphoreBulkheadConfig c = values.typed(SemaphoreBulkheadConfig.class); // defaults and bounds: the Metatype's
        return new SemaphoreBulkheadSettings(c.dwcp_operation(), c.max_concurrent_calls(), Isolation.of(c.scope(), c.max_peers()));
    }
}
