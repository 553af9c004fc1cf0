package io.dwcp.resilience.api.transport;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's DWCP figures in one snapshot, as DWCP's manager reports them.
 *
 * @param nodeId           this node
 * @param version          the wire protocol version ({@link DWCPTransport#PROTOCOL_VERSION})
 * @param enabled          whether the transport is up (listening, or configured with no listener failure)
 * @param healthy          {@link DWCPManager#isHealthy()}
 * @param degradationLevel the overall degradation level
 * @param mode             the transport mode
 * @param tiers            each peer's network tier
 * @param transport        messages, bytes, connections, reconnects, resends, duplicates, refusals
 * @param timestampMillis  when taken (wall clock)
 */
public record DWCPMetrics(String nodeId, int version, boolean enabled, boolean healthy, DegradationLevel degradationLevel,
        TransportMode mode, Map<String, NetworkTier> tiers, TransportMetrics transport, long timestampMillis) {

    /** Copies the tiers, sorted by peer. */
    public DWCPMetrics {
        tiers = Collections.unmodifiableMap(new TreeMap<>(tiers));
    }

    /** @return what compression achieved */
    public CompressionMetrics compression() {
        return transport.compression();
    }
}
