package io.dwcp.resilience.api.chaos;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The network-partition hook: answers whether traffic to and from a peer is currently cut.
 *
 * <p>Whiteboard: a bundle that simulates partitions (the {@code partition} fault injector, or a
 * third party's) registers this interface as a service; the DWCP transport consults every
 * registered policy for each connection it opens or accepts and for each frame it sends or
 * receives, and treats a peer as partitioned when any policy says so: it refuses to connect,
 * drops frames both ways and fails the waiting calls as a real network partition would. Until a
 * transport enforces it at the socket level, the chaos engine fails calls addressed to a
 * partitioned peer at the chaos stage.
 *
 * <p>Contract: {@link #isPartitioned} is called on I/O threads at frame rate, so it must be
 * thread-safe, non-blocking, allocation-free and cheap (a volatile read when no partition is in
 * effect). A policy reports only partitions that are in effect: once chaos is disarmed (its
 * injector {@linkplain FaultInjector#revert() reverted}) it answers {@code false} for every peer.
 * A policy registered by an injector carries the injector's {@link FaultInjector#NAME} property so
 * the engine can attribute the faults it causes.
 */
@ConsumerType
public interface PartitionPolicy {

    /**
     * @param peer a peer's node id or address, as in {@link io.dwcp.resilience.api.Invocation#peer()}
     * @return whether traffic to and from {@code peer} must be cut now
     */
    boolean isPartitioned(String peer);
}
