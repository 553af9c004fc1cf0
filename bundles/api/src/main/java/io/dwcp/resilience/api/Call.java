package io.dwcp.resilience.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The operation a caller protects: the innermost step of a chain.
 *
 * <p>It receives the {@link Invocation} so that it can honour the deadline where it blocks
 * (for example a transport waiting for an acknowledgement).
 *
 * @param <T> the result type
 */
@ConsumerType
@FunctionalInterface
public interface Call<T> {

    /**
     * Performs the operation once.
     *
     * @param inv the current invocation: operation, peer, attempt and deadline
     * @return the result
     * @throws Exception any failure; stages decide whether it counts and whether to retry
     */
    T call(Invocation inv) throws Exception;
}
