package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreASingleNodeWithoutPeers() {
        TransportSettings s = TransportSettings.from(Map.of());
        assertEquals("node-1", s.nodeId());
        assertEquals(7700, s.listenPort());
        assertTrue(s.peers().isEmpty());
    }

    @Test
    void peersParseFromACfgLine() {
        TransportSettings s = TransportSettings.from(Map.of("node.id", "a", "peers", "b=127.0.0.1:7702, c=[::1]:7703"));
        assertEquals(new PeerAddress("b", "127.0.0.1", 7702), s.peers().get("b"));
        assertEquals("::1", s.peers().get("c").host());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("peers", refuse(Map.of("node.id", "a", "peers", "a=127.0.0.1:1")).key());
        assertEquals("peers", refuse(Map.of("peers", "b=host")).key());
        assertEquals("peers", refuse(Map.of("peers", "b=h:1,b=h:2")).key());
        assertEquals("listen.port", refuse(Map.of("listen.port", "70000")).key());
        assertEquals("node.id", refuse(Map.of("node.id", "no spaces")).key());
        assertEquals("ping.interval.ms", refuse(Map.of("ping.interval.ms", "5000", "idle.timeout.ms", "1000")).key());
        assertEquals("mode.internet.rtt.ms", refuse(Map.of("mode.internet.rtt.ms", "5")).key());
        assertEquals("mode.internet.throughput.mbps", refuse(Map.of("mode.internet.throughput.mbps", "2000")).key());
        assertEquals("mode.datacenter.throughput.mbps", refuse(Map.of("mode.datacenter.throughput.mbps", "0")).key());
        assertEquals("tls.keystore", refuse(Map.of("tls.enabled", "true")).key());
        assertEquals("frame.max.bytes", refuse(Map.of("frame.max.bytes", "10")).key());
    }

    private static InvalidConfigurationException refuse(Map<String, ?> props) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> TransportSettings.from(props));
        assertTrue(e.getMessage().contains("dwcp.transport"), e.getMessage());
        return e;
    }
}
