package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.Isolation;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of a {@link QueueBulkhead}.
 *
 * @param operation          the operation protected, or {@code *}
 * @param maxConcurrentCalls calls allowed to run at once
 * @param queueCapacity      callers allowed to wait for a permit when all are taken; 0 rejects at once
 * @param maxWaitNanos       the longest a caller waits in the queue (the call's deadline may cut it shorter)
 * @param isolation          per operation, or per operation and peer
 */
record QueueBulkheadSettings(String operation, int maxConcurrentCalls, int queueCapacity, long maxWaitNanos,
        Isolation isolation) implements BulkheadSettings {

    /** Per operation. */
    QueueBulkheadSettings(String operation, int maxConcurrentCalls, int queueCapacity, long maxWaitNanos) {
        this(operation, maxConcurrentCalls, queueCapacity, maxWaitNanos, Isolation.PER_OPERATION);
    }

    /** The factory PID of the queue-based bulkhead. */
    static final String PID = "dwcp.bulkhead.queue";

    /** Key of the longest wait in the queue, in milliseconds. */
    static final String MAX_WAIT_MS = "max.wait.ms";

    /** Default of {@value BulkheadSettings#MAX_CONCURRENT_CALLS}: the specified value for {@code send}. */
    static final int DEFAULT_MAX_CONCURRENT_CALLS = 100;
    /** Default of {@value BulkheadSettings#QUEUE_CAPACITY}: the specified value for {@code send}. */
    static final int DEFAULT_QUEUE_CAPACITY = 200;
    /** Default of {@value #MAX_WAIT_MS}: the specified value for {@code send}. */
    static final int DEFAULT_MAX_WAIT_MS = 5_000;
    /** Upper bound of {@value #MAX_WAIT_MS}: one hour; a longer wait is a configuration mistake. */
    static final int MAX_MAX_WAIT_MS = 3_600_000;

    /** @return the settings {@code values} describe */
    static QueueBulkheadSettings from(ConfigReader values) {
        return new QueueBulkheadSettings(values.operation(),
                values.intValue(MAX_CONCURRENT_CALLS, DEFAULT_MAX_CONCURRENT_CALLS, 1, MAX_SIZE),
                values.intValue(QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY, 0, MAX_SIZE),
                TimeUnit.MILLISECONDS.toNanos(values.longValue(MAX_WAIT_MS, DEFAULT_MAX_WAIT_MS, 0, MAX_MAX_WAIT_MS)),
                Isolation.read(values));
    }
}
