package io.dwcp.resilience.api.transport;

/** The state of the connections to one peer. */
public enum ConnectionState {
    /** No stream is up yet and one is being opened (or waits for its reconnect backoff). */
    CONNECTING,
    /** Every configured stream is up. */
    CONNECTED,
    /** Some streams are up, not all: traffic goes over those that are. */
    DEGRADED,
    /** No stream is up; reconnecting with backoff. */
    DISCONNECTED,
    /** A {@link io.dwcp.resilience.api.chaos.PartitionPolicy} cuts this peer: no connection, no frame. */
    PARTITIONED,
    /** The peer refused the handshake (wrong node id, protocol version, TLS); retried with backoff. */
    REFUSED
}
