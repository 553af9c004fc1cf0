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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two or three real transports on loopback, free ports. */
class LoopbackTest {

    private final List<NettyTransport> nodes = new ArrayList<>();
    private final List<Thread> applications = new ArrayList<>();
    private final Set<String> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() throws InterruptedException {
        for (Thread t : applications) {
            t.interrupt();
            t.join(5000);
        }
        nodes.forEach(NettyTransport::close);
    }

    /**
     * A node's application: one thread that takes every message (coming back for the next one is what
     * acknowledges the one before) into the returned queue.
     */
    BlockingQueue<InboundMessage> application(NettyTransport node) {
        BlockingQueue<InboundMessage> got = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    node.receive(in(20)).ifPresent(got::add);
                }
            } catch (InterruptedException e) {
                // the test is over
            }
        }, "application-" + node.nodeId());
        t.setDaemon(true);
        t.start();
        applications.add(t);
        return got;
    }

    static InboundMessage next(BlockingQueue<InboundMessage> got) throws InterruptedException {
        InboundMessage m = got.poll(5, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 5 s");
        }
        return m;
    }

    NettyTransport node(String id, Map<String, Object> extra) throws Exception {
        return node(id, extra, null);
    }

    NettyTransport node(String id, Map<String, Object> extra, InboundQueue queue) throws Exception {
        Map<String, Object> props = new HashMap<>(extra);
        props.put("node.id", id);
        props.putIfAbsent("listen.port", "0");
        props.putIfAbsent("reconnect.initial.ms", "10");
        props.putIfAbsent("reconnect.max.ms", "50");
        TransportSettings s = TransportSettings.from(props);
        NettyTransport t = new NettyTransport(s, queue != null ? queue : new InboundQueue(s.inboundQueueCapacity(), s.dedupWindow()),
                new TransportCounters(),
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
        BlockingQueue<InboundMessage> got = application(b);
        long id = a.nextMessageId();
        a.send("b", id, bytes("hello"), in(5000));
        a.send("b", id, bytes("hello"), in(5000)); // a retry: acknowledged again, not delivered again
        InboundMessage m = next(got);
        assertEquals("a", m.sender());
        assertEquals(id, m.messageId());
        assertArrayEquals(bytes("hello"), m.payload());
        assertEquals(null, got.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(1, b.metrics().duplicatesDropped());
        assertEquals(1, b.metrics().messagesIn());
        assertEquals(2, a.metrics().messagesOut());
    }

    @Test
    void anAckWaitsUntilTheApplicationIsDoneWithTheMessageAndAFullQueueBackPressures() throws Exception {
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of("inbound.queue.capacity", "1"));
        mesh(Map.of("inbound.queue.capacity", "1"));
        // Every stream up, so that each send below is written at once (a HELLO crossing mesh()'s update may
        // be refused and retried). A send's kind is then TIMEOUT whatever its deadline: it is decided by
        // whether the message was written, which once raced with the sweeper (NOT_CONNECTED for a written
        // message that the sweeper had just removed). What arrived at b is awaited, not assumed by a deadline.
        connected(a, "b");
        long first = a.nextMessageId();
        TransportException e = assertThrows(TransportException.class, () -> a.send("b", first, bytes("1"), in(200)));
        assertEquals(TransportException.Kind.TIMEOUT, e.kind(), "queued, but nobody took it: no ACK");
        await(() -> b.metrics().inboundQueued() == 1, "the first message queued at b");
        long second = a.nextMessageId();
        assertEquals(TransportException.Kind.TIMEOUT,
                assertThrows(TransportException.class, () -> a.send("b", second, bytes("2"), in(200))).kind());
        await(() -> b.metrics().backPressured() >= 1, "the queue was full: the second not even queued");
        assertEquals(1, b.metrics().inboundQueued());
        assertEquals("1", new String(b.receive(in(1000)).orElseThrow().payload(), StandardCharsets.UTF_8));
        assertEquals(TransportException.Kind.TIMEOUT,
                assertThrows(TransportException.class, () -> a.send("b", first, bytes("1"), in(200))).kind(),
                "taken, but the application has not come back for more: still no ACK");
        assertFalse(b.receive(in(0)).isPresent(), "coming back (even without waiting) confirms the message taken before");
        a.send("b", first, bytes("1"), in(5000)); // the retry of a confirmed message: acknowledged at once
        BlockingQueue<InboundMessage> got = application(b);
        a.send("b", second, bytes("2"), in(5000)); // the retry gets through once there is room
        assertEquals(second, next(got).messageId());
        assertEquals(null, got.poll(100, TimeUnit.MILLISECONDS), "each message delivered once");
    }

    @Test
    void acknowledgeSaysTheApplicationIsDoneFromAnyThreadOnceAcrossARestart(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("inbound.journal");
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of(), InboundQueue.open(100, 1000, journal).queue());
        mesh(Map.of());
        connected(a, "b");
        long id = a.nextMessageId();
        CompletableFuture<Void> sent = a.sendAsync("send", "b", id, bytes("done with it"), in(10_000)).acked;
        InboundMessage m = b.receive(in(5000)).orElseThrow();
        assertThrows(java.util.concurrent.TimeoutException.class, () -> sent.get(200, TimeUnit.MILLISECONDS),
                "taken, not yet done: no ACK");
        // a worker thread, not the taker, says it is done: the sender's send returns without the taker coming back
        CompletableFuture<Boolean> worker = CompletableFuture.supplyAsync(() -> b.acknowledge(m));
        assertTrue(worker.get(5, TimeUnit.SECONDS));
        sent.get(5, TimeUnit.SECONDS);
        assertFalse(b.acknowledge(m), "acknowledged once");
        assertFalse(b.receive(in(0)).isPresent(), "the taker coming back acknowledges nothing more");
        assertEquals(1, java.nio.file.Files.readAllLines(journal).stream().filter(l -> l.startsWith("C ")).count(),
                "journaled once");
        // not a message b handed over: refused, naming it
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> b.acknowledge(new InboundMessage("a", id + 1000, bytes("?"))));
        assertTrue(unknown.getMessage().contains("was not handed over"), unknown.getMessage());
        long queued = a.nextMessageId();
        CompletableFuture<Void> waiting = a.sendAsync("send", "b", queued, bytes("queued"), in(10_000)).acked;
        await(() -> b.metrics().inboundQueued() == 1, "queued at b");
        assertThrows(IllegalArgumentException.class, () -> b.acknowledge(new InboundMessage("a", queued, bytes("queued"))),
                "queued, not handed over: nothing to acknowledge yet");

        // b restarts: the acknowledged message is confirmed in its journal, so a resend is acknowledged, not delivered
        int port = b.localPort();
        nodes.remove(b);
        b.close();
        NettyTransport b2 = node("b", Map.of("listen.port", Integer.toString(port)), InboundQueue.open(100, 1000, journal).queue());
        mesh(Map.of());
        connected(a, "b");
        BlockingQueue<InboundMessage> got = application(b2);
        a.send("b", id, bytes("done with it"), in(5000));
        waiting.get(5, TimeUnit.SECONDS);
        assertEquals(queued, next(got).messageId());
        assertEquals(null, got.poll(200, TimeUnit.MILLISECONDS), "nothing delivered twice");
    }

    @Test
    void aCutStreamIsReconnectedAndItsMessagesStillArriveOnce() throws Exception {
        NettyTransport a = node("a", Map.of("streams", "3"));
        NettyTransport b = node("b", Map.of("streams", "3"));
        mesh(Map.of("streams", "3"));
        connected(a, "b");
        BlockingQueue<InboundMessage> got = application(b);
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
        Set<Long> ids = new java.util.HashSet<>();
        InboundMessage m;
        while ((m = got.poll(300, TimeUnit.MILLISECONDS)) != null) {
            assertTrue(ids.add(m.messageId()), "delivered twice: " + m.messageId());
        }
        assertEquals(120, ids.size());
        await(() -> a.metrics().reconnects() >= 3, "three reconnects");
    }

    @Test
    void aRestartedReceiverAcknowledgesWhatItConfirmedRefusesWhatWasInDoubtAndTakesTheRest(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("inbound.journal");
        NettyTransport a = node("a", Map.of());
        NettyTransport b = node("b", Map.of(), InboundQueue.open(100, 1000, journal).queue());
        mesh(Map.of());
        connected(a, "b");
        long confirmed = a.nextMessageId();
        long inDoubt = a.nextMessageId();
        long neverTaken = a.nextMessageId();
        CompletableFuture<Void> first = a.sendAsync("send", "b", confirmed, bytes("confirmed"), in(10_000)).acked;
        assertEquals(confirmed, b.receive(in(5000)).orElseThrow().messageId());
        CompletableFuture<Void> second = a.sendAsync("send", "b", inDoubt, bytes("in doubt"), in(10_000)).acked;
        assertEquals(inDoubt, b.receive(in(5000)).orElseThrow().messageId()); // coming back confirmed the first
        first.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> third = a.sendAsync("send", "b", neverTaken, bytes("queued"), in(10_000)).acked;
        await(() -> b.metrics().inboundQueued() == 1, "the third message queued at b");

        // b dies holding the second message, the third in its queue; its journal is what survives
        int port = b.localPort();
        nodes.remove(b);
        b.close();
        NettyTransport b2 = node("b", Map.of("listen.port", Integer.toString(port)), InboundQueue.open(100, 1000, journal).queue());
        mesh(Map.of());
        connected(a, "b");
        BlockingQueue<InboundMessage> got = application(b2);

        a.send("b", confirmed, bytes("confirmed"), in(5000)); // a resend of what b confirmed: acknowledged, not delivered
        ExecutionException refused = assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
        TransportException e = (TransportException) refused.getCause();
        assertEquals(TransportException.Kind.REMOTE_FAILURE, e.kind(), "in doubt: refused, visibly");
        assertTrue(e.getMessage().contains("in-doubt"), e.getMessage());
        third.get(5, TimeUnit.SECONDS); // resent on the new connection, delivered by b2
        assertEquals(neverTaken, next(got).messageId());
        assertEquals(null, got.poll(200, TimeUnit.MILLISECONDS), "nothing delivered twice");
        assertEquals(1L, b2.metrics().framesRefused().get("in-doubt"));
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
        application(b);
        application(c);
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
        BlockingQueue<InboundMessage> got = application(b);
        a.send("b", a.nextMessageId(), bytes("y"), in(5000));
        assertEquals("y", new String(next(got).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void largePayloadsAreCompressedAndArriveIntact() throws Exception {
        NettyTransport a = node("a", Map.of("compression.threshold.bytes", "1024"));
        NettyTransport b = node("b", Map.of());
        mesh(Map.of("compression.threshold.bytes", "1024"));
        connected(a, "b");
        byte[] big = bytes("dwcp ".repeat(4000));
        BlockingQueue<InboundMessage> got = application(b);
        a.send("b", a.nextMessageId(), big, in(5000));
        assertArrayEquals(big, next(got).payload());
        assertEquals(1, a.metrics().compression().compressedPayloads());
        assertTrue(a.metrics().compression().bytesSaved() > big.length / 2);
    }

    /**
     * A message past its deadline fails with the kind of what happened to it, whoever fails it (the
     * sender that stopped waiting, or the sweeper): TIMEOUT once written, NOT_CONNECTED when no stream
     * ever carried it. The sweeper once said TIMEOUT for both, and a sender that found its message
     * already swept said NOT_CONNECTED for a written one.
     */
    @Test
    void theSweeperFailsAMessageByWhatHappenedToIt() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        NettyTransport lonely = node("lonely", Map.of("peers", "nobody=127.0.0.1:" + deadPort));
        Pending never = lonely.sendAsync("send", "nobody", lonely.nextMessageId(), bytes("x"), in(60_000));
        assertFalse(never.written);
        lonely.link("nobody").sweep(System.nanoTime() + TimeUnit.DAYS.toNanos(1));
        ExecutionException notConnected = assertThrows(ExecutionException.class, () -> never.acked.get(5, TimeUnit.SECONDS));
        assertEquals(TransportException.Kind.NOT_CONNECTED, ((TransportException) notConnected.getCause()).kind());
        nodes.remove(lonely);
        lonely.close();

        NettyTransport a = node("a", Map.of());
        node("b", Map.of());
        mesh(Map.of());
        connected(a, "b");
        Pending written = a.sendAsync("send", "b", a.nextMessageId(), bytes("y"), in(60_000)); // nobody takes it at b: no ACK
        assertTrue(written.written, "every stream is up: written at once");
        a.link("b").sweep(System.nanoTime() + TimeUnit.DAYS.toNanos(1));
        ExecutionException timeout = assertThrows(ExecutionException.class, () -> written.acked.get(5, TimeUnit.SECONDS));
        assertEquals(TransportException.Kind.TIMEOUT, ((TransportException) timeout.getCause()).kind());
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
