package io.dwcp.resilience.api.transport;

/**
 * One peer as the transport sees it now.
 *
 * @param nodeId            the peer's node id
 * @param address           its configured {@code host:port}
 * @param state             the state of its connections
 * @param streamsUp         streams (TCP connections) up now
 * @param streamsConfigured streams configured ({@code streams})
 * @param rttNanos          smoothed round-trip time from PING/PONG, -1 before the first PONG
 * @param tier              its network tier from that RTT
 * @param unacknowledged    messages sent to it and not acknowledged yet
 * @param reconnects        connections re-opened after one was lost
 * @param lastError         why the last connection attempt or connection failed, empty if none
 * @param sendBytesPerSecond bytes written to this peer's streams per second over the last sampling
 *                          interval (100 ms): the traffic the link carries now, whatever limits it
 * @param linkMbps          the link's throughput measured while it was saturated (the sender had more
 *                          to write than the connection took), in Mbit/s, smoothed; -1 while the link
 *                          has never been seen saturated (docs/transport.md, "Network tiers")
 * @since 1.1 ({@code sendBytesPerSecond}, {@code linkMbps})
 */
public record PeerStatus(String nodeId, String address, ConnectionState state, int streamsUp, int streamsConfigured,
        long rttNanos, NetworkTier tier, long unacknowledged, long reconnects, String lastError, double sendBytesPerSecond,
        double linkMbps) {

    /**
     * The 1.0 constructor: no throughput measured.
     *
     * @deprecated since 1.1; use the canonical constructor
     */
    @Deprecated
    public PeerStatus(String nodeId, String address, ConnectionState state, int streamsUp, int streamsConfigured, long rttNanos,
            NetworkTier tier, long unacknowledged, long reconnects, String lastError) {
        this(nodeId, address, state, streamsUp, streamsConfigured, rttNanos, tier, unacknowledged, reconnects, lastError, 0, -1);
    }
}
