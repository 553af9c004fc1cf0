package io.dwcp.resilience.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The rest of a chain, as seen from one {@link Stage}: the stages inside it and then the operation.
 *
 * <p>Instances are immutable and shared by every call on the same chain; proceeding twice (a retry)
 * runs the rest of the chain twice.
 *
 * @param <T> the call's result type
 */
@ProviderType
public interface Next<T> {

    /**
     * Runs the rest of the chain.
     *
     * @param inv the invocation the stage received, or its {@link Invocation#detach() detached copy}
     * @return the result of the operation
     * @throws Exception what an inner stage or the operation threw
     */
    T proceed(Invocation inv) throws Exception;
}
