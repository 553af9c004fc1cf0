package io.dwcp.resilience.api.transport;

/** How far a peer is, from its measured RTT (same thresholds and hysteresis as {@link TransportMode}). */
public enum NetworkTier {
    /** Not measured yet (no PONG received). */
    UNKNOWN,
    /** Same datacenter: RTT below {@code mode.datacenter.rtt.ms}. */
    LOCAL,
    /** Same region: between the thresholds. */
    REGIONAL,
    /** Across the internet: RTT above {@code mode.internet.rtt.ms}. */
    GLOBAL
}
