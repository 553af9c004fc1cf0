package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.Isolation;

/** What every bulkhead strategy's validated settings have in common (their operation: {@code *} for a bulkhead per operation). */
interface BulkheadSettings extends ConfiguredComponent.Scoped {

    /**
     * @return one bulkhead per operation, or per operation and peer ({@code scope}, {@code max.peers}),
     *         so that calls to a slow peer fill only that peer's permits
     */
    Isolation isolation();

}
