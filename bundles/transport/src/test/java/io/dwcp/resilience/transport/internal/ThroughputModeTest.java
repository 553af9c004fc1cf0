package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.TransportMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Throughput counts in the real transport: a link pushed against its limit is measured, and measured
 * against thresholds no loopback can reach it makes the peer GLOBAL and the mode INTERNET while the RTT
 * says datacenter; light traffic never creates a throughput estimate.
 */
class ThroughputModeTest {

    private final TestNodes nodes = new TestNodes(TestNodes.QUIET);

    @AfterEach
    void close() {
        nodes.close();
    }

    // 10 and 1 Tbit/s: whatever loopback carries is "slow". RTT thresholds of minutes: a PING queued
    // behind megabytes of DATA must not be what turns the mode, only the throughput may.
    static final Map<String, String> UNREACHABLE = Map.of("mode.datacenter.throughput.mbps", "10000000",
            "mode.internet.throughput.mbps", "1000000", "mode.datacenter.rtt.ms", "100000", "mode.internet.rtt.ms", "500000",
            "frame.max.bytes", String.valueOf(4 << 20), "compression.enabled", "false", "ping.interval.ms", "50");

    private static PeerStatus peer(NettyTransport from, String id) {
        return from.peers().stream().filter(p -> p.nodeId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aSaturatedLinkBelowTheInternetThroughputMakesTheModeInternetAtDatacenterRtt() throws Exception {
        NettyTransport a = nodes.start("a", UNREACHABLE);
        NettyTransport b = nodes.start("b", UNREACHABLE);
        nodes.mesh();
        TestNodes.await(() -> peer(a, "b").rttNanos() >= 0, "a measured its RTT to b");
        assertEquals(TransportMode.DATACENTER, a.mode(), "before any bulk traffic the RTT decides");

        AtomicBoolean running = new AtomicBoolean(true);
        // b's application keeps taking (and so acknowledging) until the senders stopped: a message is
        // acknowledged only once the application came back from it
        AtomicBoolean draining = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        Thread drain = new Thread(() -> {
            while (draining.get()) {
                try {
                    b.receive(TestNodes.in(20));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        drain.start();
        for (int t = 0; t < 4; t++) {
            Thread s = new Thread(() -> {
                byte[] mib = new byte[1 << 20]; // a MiB per message: far over the 64 KiB high-water mark
                new Random().nextBytes(mib);
                while (running.get()) {
                    try {
                        a.send("b", a.nextMessageId(), mib, TestNodes.in(10_000));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            s.start();
            senders.add(s);
        }
        try {
            TestNodes.await(() -> a.mode() == TransportMode.INTERNET, "a's mode turns INTERNET: " + a.peers());
        } finally {
            running.set(false);
            for (Thread s : senders) {
                s.join(10_000);
            }
            draining.set(false);
            drain.join(10_000);
        }
        PeerStatus toB = peer(a, "b");
        assertEquals(NetworkTier.GLOBAL, toB.tier());
        assertTrue(toB.rttNanos() < 100_000_000_000L, "the RTT alone says datacenter: " + toB);
        // >= 0, not > 0: on a loaded host an interval can be backlogged with no ACK back yet, a measured 0
        assertTrue(a.link("b").throughputMbps() >= 0, "a has a throughput figure for b (-1 means never measured)");
        // b only acknowledged: nothing of b's was ever backlogged, so b has no throughput figure for a
        assertEquals(-1, b.link("a").throughputMbps());
    }
}
