package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.PeerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A minimal Gogo face for the transport (scope {@code dwcp}): send a text message, see it arrive, list
 * the peers. The operations console may take these names over with a higher-ranked service.
 */
@Component(service = TransportCommands.class, property = {"osgi.command.scope=dwcp", "osgi.command.function=send",
        "osgi.command.function=receive", "osgi.command.function=peers", "osgi.command.function=consensus"})
public final class TransportCommands {

    @Reference(policyOption = ReferencePolicyOption.GREEDY)
    DWCPManager manager;

    /** {@code dwcp:send <peer> <text>}: sends the text (UTF-8) through the chain and waits for the ACK. */
    public String send(String peer, String text) throws Exception {
        long id = manager.send(peer, text.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        return "sent to " + peer + " as message " + id + " (acknowledged)";
    }

    /**
     * {@code dwcp:receive [timeoutMillis]}: takes the next inbound message, waiting up to the timeout
     * (default 1000). Printing it is all this command does with it, so it is acknowledged at once
     * rather than when this console thread next receives.
     */
    public String receive(long timeoutMillis) throws Exception {
        Optional<InboundMessage> m = manager.receive(Duration.ofMillis(timeoutMillis));
        if (m.isPresent() && manager instanceof DwcpManagerService own) {
            own.done();
        }
        return m.map(x -> "from " + x.sender() + " message " + x.messageId() + ": " + new String(x.payload(), StandardCharsets.UTF_8))
                .orElse("nothing received within " + timeoutMillis + " ms");
    }

    public String receive() throws Exception {
        return receive(1000);
    }

    /** {@code dwcp:consensus <text>}: quorum write of the text to every peer. */
    public String consensus(String text) throws Exception {
        ConsensusResult r = manager.consensus(text.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        return "message " + r.messageId() + ": " + r.votes() + " of " + r.clusterSize() + " votes (quorum " + r.quorum()
                + "), acknowledged by " + r.acknowledged() + (r.failed().isEmpty() ? "" : ", not by " + r.failed());
    }

    /** {@code dwcp:peers}: each peer's connection state, streams, RTT, tier and backlog. */
    public String peers() {
        StringBuilder b = new StringBuilder("node " + manager.nodeId() + ", mode " + manager.metrics().mode() + "\n");
        b.append(String.format("%-16s %-22s %-12s %-8s %-10s %-9s %-6s %-9s %s%n", "PEER", "ADDRESS", "STATE", "STREAMS",
                "RTT(ms)", "TIER", "UNACK", "RECONNECT", "LAST ERROR"));
        for (PeerStatus p : manager.peers()) {
            b.append(String.format("%-16s %-22s %-12s %-8s %-10s %-9s %-6d %-9d %s%n", p.nodeId(), p.address(), p.state(),
                    p.streamsUp() + "/" + p.streamsConfigured(), p.rttNanos() < 0 ? "-" : String.format("%.3f", p.rttNanos() / 1e6),
                    p.tier(), p.unacknowledged(), p.reconnects(), p.lastError()));
        }
        return b.toString();
    }
}
