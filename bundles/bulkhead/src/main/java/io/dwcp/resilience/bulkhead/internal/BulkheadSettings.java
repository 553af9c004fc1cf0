package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.Isolation;

/** What every bulkhead strategy's validated settings have in common (their operation: {@code *} for a bulkhead per operation). */
interface BulkheadSettings extends ConfiguredComponent.Scoped {

    /** Key of the largest number of calls running at once (threads, for the thread pool). */
    String MAX_CONCURRENT_CALLS = "max.concurrent.calls";
    /** Key of the number of callers (or tasks) that may wait for a permit (or a thread). */
    String QUEUE_CAPACITY = "queue.capacity";

    /** Bound on any size setting: far beyond any sane bulkhead, low enough to catch a typo. */
    int MAX_SIZE = 1_000_000;

    /**
     * @return one bulkhead per operation, or per operation and peer ({@code scope}, {@code max.peers}),
     *         so that calls to a slow peer fill only that peer's permits
     */
    Isolation isolation();

}
