package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.SyncHandler;
import java.nio.charset.StandardCharsets;

/** The built-in {@link SyncHandler}: answers with a one-line summary of this node's state. */
final class StateSummary implements SyncHandler {

    private final NettyTransport transport;

    StateSummary(NettyTransport transport) {
        this.transport = transport;
    }

    @Override
    public byte[] handle(String sender, byte[] request) {
        StringBuilder b = new StringBuilder();
        b.append("node=").append(transport.nodeId()).append(" protocol=").append(NettyTransport.PROTOCOL_VERSION)
                .append(" mode=").append(transport.mode()).append(" queued=").append(transport.inbound().size())
                .append(" peers=");
        boolean first = true;
        for (PeerStatus p : transport.peers()) {
            b.append(first ? "" : ",").append(p.nodeId()).append(':').append(p.state());
            if (p.rttNanos() >= 0) {
                b.append(String.format("(rtt %.3fms)", p.rttNanos() / 1e6));
            }
            first = false;
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
