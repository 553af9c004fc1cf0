package io.dwcp.resilience.api.chaos;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One kind of fault (latency, error, partition, ...), contributed by its own bundle as a service
 * with the property {@link #NAME}. The chaos engine decides when a call gets a fault; the injector
 * decides what the fault does.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #inject} runs on the caller's thread, only while chaos is allowed and armed. It
 *       either proceeds with {@code next} (perhaps after a delay) or throws. It never blocks past
 *       the invocation's deadline.</li>
 *   <li>Where it runs: the chaos stage decides outermost which call gets a fault and from which
 *       injector; {@link #inject} then runs innermost, around the operation itself (through
 *       {@link io.dwcp.resilience.api.Invocation#interceptOperation}), so every protection sees the
 *       fault as the operation's own: the bulkhead and circuit breaker record it, a retry may retry
 *       it (and {@link #inject} runs again on that attempt), and the deadline it sees is the one a
 *       timeout stage set. {@code next} runs the operation alone.</li>
 *   <li>{@link #revert()} releases everything the injector holds (threads, memory, partitions). The
 *       engine calls it on disarm and when it stops using the injector; the injector's own bundle
 *       calls it when the bundle stops. It is idempotent and quick.</li>
 * </ul>
 */
@ConsumerType
public interface FaultInjector {

    /** Service property: the injector's unique name, e.g. {@code latency}. */
    String NAME = "dwcp.injector";

    /** @return the injector's name, equal to its {@link #NAME} service property */
    String name();

    /**
     * Applies the fault to one call.
     *
     * @param inv  the call
     * @param next the operation itself (innermost: every stage of the chain is outside)
     * @param <T>  the result type
     * @return the call's result, if the fault lets it proceed
     * @throws Exception the injected fault, or what the operation threw
     */
    <T> T inject(Invocation inv, Next<T> next) throws Exception;

    /** Reverts every fault this injector has in effect. */
    void revert();
}
