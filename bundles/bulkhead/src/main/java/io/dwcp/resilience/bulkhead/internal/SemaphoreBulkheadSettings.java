package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;

/**
 * Validated settings of a {@link SemaphoreBulkhead}.
 *
 * @param operation          the operation protected, or {@code *}
 * @param maxConcurrentCalls calls allowed to run at once; the next one is rejected at once
 */
record SemaphoreBulkheadSettings(String operation, int maxConcurrentCalls) implements BulkheadSettings {

    /** The factory PID of the semaphore bulkhead. */
    static final String PID = "dwcp.bulkhead.semaphore";

    /** Default of {@value BulkheadSettings#MAX_CONCURRENT_CALLS}. */
    static final int DEFAULT_MAX_CONCURRENT_CALLS = 25;

    /**
     * @param properties a configuration dictionary
     * @return the settings it describes
     * @throws InvalidConfigurationException naming the PID, key, value and reason of the first bad value
     */
    static SemaphoreBulkheadSettings from(Map<String, ?> properties) {
        ConfigValues values = new ConfigValues(PID, properties);
        return new SemaphoreBulkheadSettings(values.operation(),
                values.intIn(MAX_CONCURRENT_CALLS, DEFAULT_MAX_CONCURRENT_CALLS, 1, MAX_SIZE));
    }
}
