package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPMetrics;
import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.TransportMetrics;
import io.dwcp.resilience.api.transport.TransportMode;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transport's figures as Prometheus families, one set of samples per DWCP node in the framework
 * (label {@code node}; a runtime has one, a test framework may have several): frames refused by
 * reason, messages and bytes, connections, the transport mode and, per peer, its tier, connection
 * state, round trip and throughput. The mode, tier and state are state sets (1 for the value in
 * force, 0 for the others), as the breaker's state is, so that a change is a step in a graph and an
 * alert is {@code == 1}.
 */
final class TransportExposition {

    /** One node's figures, taken together. */
    record Node(DWCPMetrics metrics, List<PeerStatus> peers) {
    }

    private TransportExposition() {
    }

    static List<MetricSnapshot> build(List<Node> nodes) {
        List<MetricSnapshot> out = new ArrayList<>();
        if (nodes.isEmpty()) {
            return out;
        }
        CounterSnapshot.Builder refused = CounterSnapshot.builder().name("dwcp_transport_frames_refused")
                .help("Frames or connections the transport refused and closed, by reason (docs/transport.md, Refusals)");
        CounterSnapshot.Builder messages = CounterSnapshot.builder().name("dwcp_transport_messages")
                .help("DATA messages acknowledged by their peer (out) and queued for the application (in)");
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("dwcp_transport_bytes")
                .help("Bytes written to (out) and read from (in) the transport's sockets, every frame type");
        CounterSnapshot.Builder reconnects = CounterSnapshot.builder().name("dwcp_transport_reconnects")
                .help("Outbound streams re-opened after one was lost");
        CounterSnapshot.Builder resends = CounterSnapshot.builder().name("dwcp_transport_resends")
                .help("DATA frames sent again on another stream after theirs dropped");
        CounterSnapshot.Builder duplicates = CounterSnapshot.builder().name("dwcp_transport_duplicates_dropped")
                .help("DATA frames whose id was already delivered: acknowledged again, not delivered");
        CounterSnapshot.Builder backPressured = CounterSnapshot.builder().name("dwcp_transport_back_pressured")
                .help("DATA frames not acknowledged because the inbound queue was full");
        GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("dwcp_transport_connections")
                .help("Streams (TCP connections) up now");
        GaugeSnapshot.Builder queued = GaugeSnapshot.builder().name("dwcp_transport_inbound_queued")
                .help("Messages received and not yet taken by the application");
        GaugeSnapshot.Builder mode = GaugeSnapshot.builder().name("dwcp_transport_mode")
                .help("The transport mode from the peers' tiers: 1 for the mode in force, 0 for the others");
        GaugeSnapshot.Builder tier = GaugeSnapshot.builder().name("dwcp_transport_peer_tier")
                .help("Each peer's network tier (the farther of its RTT's and measured throughput's): 1 for its tier, 0 for the others");
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("dwcp_transport_peer_state")
                .help("Each peer's connection state: 1 for its state, 0 for the others");
        GaugeSnapshot.Builder rtt = GaugeSnapshot.builder().name("dwcp_transport_peer_rtt_seconds")
                .help("Each peer's smoothed PING/PONG round trip (absent before the first PONG)");
        GaugeSnapshot.Builder sendRate = GaugeSnapshot.builder().name("dwcp_transport_peer_send_bytes_per_second")
                .help("Bytes written to each peer per second over the last 100 ms sampling interval");
        GaugeSnapshot.Builder link = GaugeSnapshot.builder().name("dwcp_transport_peer_link_throughput_bytes_per_second")
                .help("Each peer's link throughput measured while the link was saturated, smoothed "
                        + "(absent while the link has never been seen saturated)");
        for (Node n : nodes) {
            DWCPMetrics m = n.metrics();
            TransportMetrics t = m.transport();
            Labels node = Labels.of("node", m.nodeId());
            for (Map.Entry<String, Long> r : t.framesRefused().entrySet()) {
                refused.dataPoint(CounterDataPointSnapshot.builder().value(r.getValue()).labels(node.add("reason", r.getKey())).build());
            }
            counter(messages, t.messagesOut(), node.add("direction", "out"));
            counter(messages, t.messagesIn(), node.add("direction", "in"));
            counter(bytes, t.bytesOut(), node.add("direction", "out"));
            counter(bytes, t.bytesIn(), node.add("direction", "in"));
            counter(reconnects, t.reconnects(), node);
            counter(resends, t.resends(), node);
            counter(duplicates, t.duplicatesDropped(), node);
            counter(backPressured, t.backPressured(), node);
            gauge(connections, t.connections(), node);
            gauge(queued, t.inboundQueued(), node);
            for (TransportMode md : TransportMode.values()) {
                gauge(mode, md == m.mode() ? 1 : 0, node.add("mode", lower(md)));
            }
            for (PeerStatus p : n.peers()) {
                Labels peer = node.add("peer", p.nodeId());
                for (NetworkTier nt : NetworkTier.values()) {
                    gauge(tier, nt == p.tier() ? 1 : 0, peer.add("tier", lower(nt)));
                }
                for (ConnectionState cs : ConnectionState.values()) {
                    gauge(state, cs == p.state() ? 1 : 0, peer.add("state", lower(cs)));
                }
                if (p.rttNanos() >= 0) {
                    gauge(rtt, p.rttNanos() / 1e9, peer);
                }
                gauge(sendRate, p.sendBytesPerSecond(), peer);
                if (p.linkMbps() >= 0) {
                    gauge(link, p.linkMbps() * 1e6 / 8, peer);
                }
            }
        }
        for (CounterSnapshot.Builder b : List.of(refused, messages, bytes, reconnects, resends, duplicates, backPressured)) {
            addIfSampled(out, b.build());
        }
        for (GaugeSnapshot.Builder b : List.of(connections, queued, mode, tier, state, rtt, sendRate, link)) {
            addIfSampled(out, b.build());
        }
        return out;
    }

    /** A family without samples (no refusal yet, no RTT yet) is left out rather than written empty. */
    private static void addIfSampled(List<MetricSnapshot> out, MetricSnapshot family) {
        if (!family.getDataPoints().isEmpty()) {
            out.add(family);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void counter(CounterSnapshot.Builder b, double value, Labels labels) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(labels).build());
    }

    private static void gauge(GaugeSnapshot.Builder b, double value, Labels labels) {
        b.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    }
}
