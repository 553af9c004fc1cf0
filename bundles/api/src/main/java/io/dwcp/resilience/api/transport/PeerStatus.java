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
 */
public record PeerStatus(String nodeId, String address, ConnectionState state, int streamsUp, int streamsConfigured,
        long rttNanos, NetworkTier tier, long unacknowledged, long reconnects, String lastError) {
}
