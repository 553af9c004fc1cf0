package io.dwcp.resilience.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.transport.CompressionMetrics;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPMetrics;
import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.TransportMetrics;
import io.dwcp.resilience.api.transport.TransportMode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport's families in a real scrape (the Prometheus client's writer), node by node. */
class TransportExpositionTest {

    private static TransportExposition.Node node(String id, TransportMode mode, Map<String, Long> refused, PeerStatus... peers) {
        TransportMetrics t = new TransportMetrics(120, 80, 150_000, 90_000, 2, 1, 3, 4, 5, 6, 7, refused,
                new CompressionMetrics(true, 0, 0, 0, 0, 0), mode);
        Map<String, NetworkTier> tiers = new java.util.TreeMap<>();
        for (PeerStatus p : peers) {
            tiers.put(p.nodeId(), p.tier());
        }
        return new TransportExposition.Node(new DWCPMetrics(id, 1, true, true, DegradationLevel.NORMAL, mode, tiers, t, 0),
                List.of(peers));
    }

    private static String scrape(List<TransportExposition.Node> nodes) throws Exception {
        PrometheusExposition e = new PrometheusExposition();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.write(out, e.build(List.of(), Map.of(), List.of(), nodes));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusalsByReasonModeTierStateAndThroughputPerPeer() throws Exception {
        String s = scrape(List.of(
                node("node-1", TransportMode.HYBRID, Map.of("bad-crc", 2L, "idle", 1L),
                        new PeerStatus("node-2", "127.0.0.1:7702", ConnectionState.CONNECTED, 2, 2, 400_000, NetworkTier.LOCAL, 0, 0, "",
                                125_000, 800),
                        new PeerStatus("node-3", "127.0.0.1:7703", ConnectionState.DISCONNECTED, 0, 2, -1, NetworkTier.GLOBAL, 0, 0,
                                "refused", 0, -1)),
                node("node-9", TransportMode.DATACENTER, Map.of())));
        assertTrue(s.contains("dwcp_transport_frames_refused_total{node=\"node-1\",reason=\"bad-crc\"} 2.0\n"), s);
        assertTrue(s.contains("dwcp_transport_frames_refused_total{node=\"node-1\",reason=\"idle\"} 1.0\n"), s);
        assertFalse(s.contains("reason=\"bad-crc\"} 0"), s);
        assertTrue(s.contains("dwcp_transport_mode{mode=\"hybrid\",node=\"node-1\"} 1.0\n"), s);
        assertTrue(s.contains("dwcp_transport_mode{mode=\"datacenter\",node=\"node-1\"} 0.0\n"), s);
        assertTrue(s.contains("dwcp_transport_mode{mode=\"datacenter\",node=\"node-9\"} 1.0\n"), s);
        assertTrue(s.contains("dwcp_transport_peer_tier{node=\"node-1\",peer=\"node-2\",tier=\"local\"} 1.0\n"), s);
        assertTrue(s.contains("dwcp_transport_peer_tier{node=\"node-1\",peer=\"node-2\",tier=\"global\"} 0.0\n"), s);
        assertTrue(s.contains("dwcp_transport_peer_tier{node=\"node-1\",peer=\"node-3\",tier=\"global\"} 1.0\n"), s);
        assertTrue(s.contains("dwcp_transport_peer_state{node=\"node-1\",peer=\"node-3\",state=\"disconnected\"} 1.0\n"), s);
        assertTrue(s.contains("dwcp_transport_peer_send_bytes_per_second{node=\"node-1\",peer=\"node-2\"} 125000.0\n"), s);
        // 800 Mbit/s = 100 MB/s; node-3's link never measured: no sample, not a made-up 0 or -1
        assertTrue(s.contains("dwcp_transport_peer_link_throughput_bytes_per_second{node=\"node-1\",peer=\"node-2\"} 1.0E8\n"), s);
        assertFalse(s.contains("dwcp_transport_peer_link_throughput_bytes_per_second{node=\"node-1\",peer=\"node-3\"}"), s);
        assertTrue(s.contains("dwcp_transport_peer_rtt_seconds{node=\"node-1\",peer=\"node-2\"} 4.0E-4\n"), s);
        assertFalse(s.contains("dwcp_transport_peer_rtt_seconds{node=\"node-1\",peer=\"node-3\"}"), s);
        assertTrue(s.contains("dwcp_transport_messages_total{direction=\"out\",node=\"node-1\"} 120.0\n"), s);
        assertTrue(s.contains("# TYPE dwcp_transport_frames_refused_total counter\n"), s);
    }

    @Test
    void noNodeNoTransportFamilies() throws Exception {
        assertEquals("", scrape(List.of()));
    }
}
