package io.dwcp.resilience.api;

import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs DWCP operations through their chain of protections.
 *
 * <p>The chain of each operation is built from the registered {@link Stage} services and rebuilt
 * atomically whenever they change; a call in flight finishes on the chain it started with.
 */
@ProviderType
public interface ResilienceManager {

    /**
     * Runs {@code call} through the chain of {@code operation}.
     *
     * @param operation the operation name (see {@link Operations})
     * @param call      the operation itself
     * @param <T>       the result type
     * @return the call's result
     * @throws ResilienceException when a stage rejects or gives up on the call
     * @throws IllegalArgumentException for an invalid operation name
     * @throws Exception what the call itself threw
     */
    <T> T execute(String operation, Call<T> call) throws Exception;

    /**
     * Runs {@code call}, addressed to {@code peer}, through the chain of {@code operation}.
     *
     * @param operation the operation name
     * @param peer      the peer the call is addressed to ({@link Invocation#NO_PEER} for none)
     * @param call      the operation itself
     * @param <T>       the result type
     * @return the call's result
     * @throws Exception as {@link #execute(String, Call)}
     */
    <T> T execute(String operation, String peer, Call<T> call) throws Exception;

    /**
     * @param operation an operation name
     * @return the chain that a call of this operation would run through now
     */
    ChainView chain(String operation);

    /** @return every operation the manager knows: DWCP's four, those named by stages, those called */
    Set<String> operations();

    /**
     * @param operation an operation name
     * @return counters and latency percentiles of the calls made so far
     */
    OperationMetrics metrics(String operation);
}
