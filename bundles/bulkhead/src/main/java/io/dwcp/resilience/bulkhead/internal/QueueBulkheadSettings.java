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

    /** @return the settings {@code values} describe */
    static QueueBulkheadSettings from(ConfigReader values) {
        QueueBulkheadConfig c = values.typed(QueueBulkheadConfig.class); // defaults and bounds: the Metatype's
        return new QueueBulkheadSettings(c.dwcp_operation(), c.max_concurrent_calls(), c.queue_capacity(),
                TimeUnit.MILLISECONDS.toNanos(c.max_wait_ms()), Isolation.of(c.scope(), c.max_peers()));
    }
}
