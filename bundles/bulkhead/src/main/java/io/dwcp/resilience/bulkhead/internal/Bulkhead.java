package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.List;

/**
 * One bulkhead for one operation: the algorithm behind a bulkhead stage, free of OSGi.
 *
 * @param <S> its settings type
 */
interface Bulkhead<S extends BulkheadSettings> {

    /** {@link MetricsSnapshot#source()} of every bulkhead's metrics: the stage kind id. */
    String METRICS_SOURCE = "bulkhead";

    /**
     * Runs the rest of the chain inside the bulkhead, or refuses to.
     *
     * @param inv  the call
     * @param next the rest of the chain
     * @param <T>  the result type
     * @return what the rest of the chain returned
     * @throws Exception what the rest of the chain threw, or the bulkhead's refusal
     */
    <T> T execute(Invocation inv, Next<T> next) throws Exception;

    /**
     * Applies new sizes live. Calls in flight keep their permits and give them back as usual.
     *
     * @param settings the new settings; their operation is ignored (a bulkhead keeps its operation)
     */
    void resize(S settings);

    /** @return the current figures */
    MetricsSnapshot metrics();

    /**
     * Releases what the bulkhead holds beyond permits (threads). Calls in flight still complete or
     * fail; none is left waiting forever.
     *
     * @return the names of threads that would not end, normally none
     */
    default List<String> shutdown() {
        return List.of();
    }

    /** @return whether {@link #shutdown()} has threads to stop (and may block for a grace period) */
    default boolean holdsThreads() {
        return false;
    }
}
