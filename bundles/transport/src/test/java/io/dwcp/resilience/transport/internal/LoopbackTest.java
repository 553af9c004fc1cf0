package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.QuorumNotReachedException;
import io.dwcp.resilience.api.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two or three real transports on loopback, free ports. */
class LoopbackTest {

    private final List<NettyTransport> nodes = new ArrayList<>();
    private final Set<String> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() {
        nodes.forEach(NettyTransport::close);
    }

    NettyTransport node(String id, Map<String, Object> extra) throws Exception {
        Map<String, Object> props = new HashMap<>(extra);
        props.put("node.id", id);
        props.put("listen.port", "0");
        props.putIfAbsent("reconnect.initial.ms", "10");
        props.putIfAbsent("reconnect.max.ms", "50");
        TransportSettings s = TransportSettings.from(props);
        NettyTransport t = new NettyTransport(s, new InboundQueue(s.inboundQueueCapacity(), s.dedupWindow()), new TransportCounters(),
                new PayloadCompression(), new AtomicLong(1000), peer -> cut.contains(peer), () -> null, TransportLog.STDERR);
        t.start();
        nodes.add(t);
        return t;
    }

    /** Points each node at the others (ports are known only once they listen). */
    void mesh(Map<String, Object> extra) {
        for (NettyTransport n : nodes) {
            List<String> peers = new ArrayList<>();
            for (NettyTransport m : nodes) {
                if (m != n) {
                    peers.add(m.nodeId() + "=127.0.0.1:" + m.localPort());
                }
            }
            Map<String, Object> props = new HashMap<>(extra);
            props.put("node.id", n.nodeId());
            props.put("listen.port", "0");
            props.put("peers", String.join(",", peers));
            props.putIfAbsent("reconnect.initial.ms", "10");
            props.putIfAbsent("reconnect.max.ms", "50");
            TransportSettings next = TransportSettings.from(props);
            n.update(new TransportSettings(next.nodeId(), next.listenHost(), n.settings().listenPort(), next.peers(), next.streams(),
                    next.frameMaxBytes(), next.connectTimeoutMs(), next.idleTimeoutMs(), next.pingIntervalMs(), next.ackTimeoutMs(),
                    next.reconnectInitialMs(), next.reconnectMaxMs(), next.inboundQueueCapacity(), next.dedupWindow(),
                    next.compressionEnabled(), next.compressionThresholdBytes(), next.datacenterRttMs(), next.internetRttMs(),
                    next.datacenterThroughputMbps(), next.internetThroughputMbps(), next.hysteresis(), next.tls()));
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    void connected(NettyTransport from, String to) throws InterruptedException {
        await(() -> from.peers().stream().anyMatch(p -> p.nodeId().equals(to) && p.state() == ConnectionState.CONNECTED),
                from.nodeId() + " connected to " + to);
    }

    @Test
    void aSendIsAcknowledgedAndReceivedOnceEvenWhenRetriedWithTheSameId() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of());
        mesh(Map.of());
        connected(a, "b");
        long id = a.nextMessageId();
        a.send("b", id, bytes("hello"), in(5000));
        a.send("b", id, bytes("hello"), in(5000)); // a retry: acknowledged again, not delivered again
        Optional<InboundMessage> m = b.receive(in(1000));
        assertTrue(m.isPresent());
        assertEquals("a", m.get().sender());
        assertEquals(id, m.get().messageId());
        assertArrayEquals(bytes("hello"), m.get().payload());
        assertFalse(b.receive(in(50)).isPresent());
        assertEquals(1, b.metrics().duplicatesDropped());
        assertEquals(1, b.metrics().messagesIn());
        assertEquals(2, a.metrics().messagesOut());
    }

    @Test
    void aFullInboundQueueStopsAcknowledgingUntilTheApplicationTakesMessages() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of("inbound.queue.capacity", "1"));
        mesh(Map.of("inbound.queue.capacity", "1"));
        connected(a, "b");
        a.send("b", a.nextMessageId(), bytes("1"), in(5000));
        long second = a.nextMessageId();
        TransportException e = assertThrows(TransportException.class, () -> a.send("b", second, bytes("2"), in(200)));
        assertEquals(TransportException.Kind.TIMEOUT, e.kind());
        assertTrue(b.metrics().backPressured() >= 1);
        assertEquals("1", new String(b.receive(in(1000)).orElseThrow().payload(), StandardCharsets.UTF_8));
        a.send("b", second, bytes("2"), in(5000)); // the retry gets through once there is room
        assertEquals(second, b.receive(in(1000)).orElseThrow().messageId());
    }

    @Test
    void aCutStreamIsReconnectedAndItsMessagesStillArriveOnce() throws Exception {
        NettyTransport a = node("a", Map.of("streams", "3"));
        NettyTransport b = node("b", Map.of("streams", "3"));
        mesh(Map.of("streams", "3"));
        connected(a, "b");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 30; i++) {
                a.send("b", a.nextMessageId(), bytes("m" + i), in(5000));
            }
            assertTrue(a.cutStream("b", round));
        }
        connected(a, "b");
        for (int i = 0; i < 30; i++) {
            a.send("b", a.nextMessageId(), bytes("after" + i), in(5000));
        }
        int received = 0;
        while (b.receive(in(100)).isPresent()) {
            received++;
        }
        assertEquals(120, received);
        await(() -> a.metrics().reconnects() >= 3, "three reconnects");
    }

    @Test
    void syncIsAnsweredByTheBuiltInStateSummary() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of());
        mesh(Map.of());
        connected(a, "b");
        String answer = new String(a.sync("b", bytes("state?"), in(5000)), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("node=b "), answer);
        assertTrue(answer.contains("a:"), answer);
    }

    @Test
    void consensusNeedsAMajorityAndSaysWhoAcknowledged() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of());
        NettyTransport c = node("c", Map.of());
        mesh(Map.of());
        connected(a, "b");
        connected(a, "c");
        ConsensusResult r = a.consensus(a.nextMessageId(), bytes("x"), in(5000));
        assertEquals(3, r.clusterSize());
        assertEquals(2, r.quorum());
        assertTrue(r.reached());
        cut.add("b");
        cut.add("c");
        QuorumNotReachedException e = assertThrows(QuorumNotReachedException.class,
                () -> a.consensus(a.nextMessageId(), bytes("y"), in(300)));
        assertEquals(Set.of(), e.result().acknowledged());
        assertEquals(Set.of("b", "c"), e.result().failed().keySet());
    }

    @Test
    void aPartitionCutsTrafficAndHealingRestoresIt() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of());
        mesh(Map.of());
        connected(a, "b");
        cut.add("b");
        TransportException e = assertThrows(TransportException.class, () -> a.send("b", a.nextMessageId(), bytes("x"), in(300)));
        assertEquals(TransportException.Kind.PARTITIONED, e.kind());
        cut.remove("b");
        connected(a, "b");
        a.send("b", a.nextMessageId(), bytes("y"), in(5000));
        assertEquals("y", new String(b.receive(in(1000)).orElseThrow().payload(), StandardCharsets.UTF_8));
    }

    @Test
    void largePayloadsAreCompressedAndArriveIntact() throws Exception {
        NettyTransport a = node("a", Map.of("compression.threshold.bytes", "1024"));
        NettyTransport b = node("b", Map.of());
        mesh(Map.of("compression.threshold.bytes", "1024"));
        connected(a, "b");
        byte[] big = bytes("dwcp ".repeat(4000));
        a.send("b", a.nextMessageId(), big, in(5000));
        assertArrayEquals(big, b.receive(in(1000)).orElseThrow().payload());
        assertEquals(1, a.metrics().compression().compressedPayloads());
        assertTrue(a.metrics().compression().bytesSaved() > big.length / 2);
    }

    @Test
    void anUnknownPeerAndAnOversizedPayloadFailClearly() throws Exception {
        NettyTransport a = node("a", Map.of("frame.max.bytes", "1024", "compression.enabled", "false"));
        node("b", Map.of());
        mesh(Map.of("frame.max.bytes", "1024", "compression.enabled", "false"));
        assertEquals(TransportException.Kind.UNKNOWN_PEER,
                assertThrows(TransportException.class, () -> a.send("zz", 1, bytes("x"), in(100))).kind());
        assertEquals(TransportException.Kind.TOO_LARGE,
                assertThrows(TransportException.class, () -> a.send("b", 2, new byte[2000], in(100))).kind());
    }

    @Test
    void aNodeIdMismatchIsRefusedWithAReason() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of());
        // a believes "x" listens on b's port
        TransportSettings s = a.settings();
        a.update(TransportSettings.from(Map.of("node.id", "a", "listen.port", "0", "peers", "x=127.0.0.1:" + b.localPort(),
                "reconnect.initial.ms", "10", "reconnect.max.ms", "50")));
        await(() -> a.peers().get(0).state() == ConnectionState.REFUSED, "refused");
        assertTrue(a.peers().get(0).lastError().contains("not x"), a.peers().get(0).lastError());
        assertTrue(b.metrics().framesRefused().getOrDefault("bad-hello", 0L) >= 1);
    }
}
