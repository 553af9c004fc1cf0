package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.InboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes a real transport's port with a raw socket while a real peer keeps sending to it: random bytes,
 * wrong magic and version, huge length prefixes, bad CRCs, single-bit mutations of valid frames,
 * truncated frames and half frames that stall, before and after a valid HELLO.
 *
 * <p>Each case must end with the transport closing the fuzzing connection and counting the reason in
 * {@code framesRefused}; the legitimate peer's connections must stay up and every one of its messages
 * must arrive; nothing the fuzzer sends may ever be delivered; and the transport must log no
 * unexpected failure.
 */
class PortFuzzProperties {

    /** The fuzzer's message ids: far from the legitimate sender's, so a delivered one stands out. */
    static final long FUZZ_IDS = 1L << 60;
    static final int FRAME_MAX = 65_536;
    static final long HELLO_TIMEOUT_MS = 300;
    static final long IDLE_TIMEOUT_MS = 1500;

    static TestNodes nodes;
    static NettyTransport target;
    static NettyTransport legit;
    static final Queue<String> errors = new ConcurrentLinkedQueue<>();
    static final Set<Long> delivered = ConcurrentHashMap.newKeySet();
    static final AtomicLong sent = new AtomicLong();
    static final Queue<Throwable> sendFailures = new ConcurrentLinkedQueue<>();
    static volatile boolean running;
    static Thread sender;
    static Thread receiver;

    @BeforeContainer
    static void start() throws Exception {
        nodes = new TestNodes(new TransportLog() {
            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message) {
                errors.add(message);
            }
        });
        Map<String, String> config = Map.of("idle.timeout.ms", String.valueOf(IDLE_TIMEOUT_MS), "ping.interval.ms", "100",
                "frame.max.bytes", String.valueOf(FRAME_MAX));
        target = nodes.start("target", Map.of("connect.timeout.ms", String.valueOf(HELLO_TIMEOUT_MS), "idle.timeout.ms",
                String.valueOf(IDLE_TIMEOUT_MS), "ping.interval.ms", "100", "frame.max.bytes", String.valueOf(FRAME_MAX)));
        legit = nodes.start("legit", config);
        nodes.mesh();
        TestNodes.await(() -> connected(legit, "target") && connected(target, "legit"), "legit and target connected");
        running = true;
        sender = new Thread(() -> {
            while (running) {
                try {
                    legit.send("target", legit.nextMessageId(), "legit".getBytes(StandardCharsets.UTF_8), TestNodes.in(10_000));
                    sent.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    sendFailures.add(e);
                }
            }
        }, "legit-sender");
        receiver = new Thread(() -> {
            while (running) {
                try {
                    Optional<InboundMessage> m = target.receive(TestNodes.in(50));
                    m.ifPresent(msg -> delivered.add(msg.messageId()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "target-receiver");
        sender.start();
        receiver.start();
    }

    @AfterContainer
    static void stop() throws Exception {
        running = false;
        if (sender != null) {
            sender.join(10_000);
            receiver.join(10_000);
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    static boolean connected(NettyTransport from, String to) {
        return from.peers().stream().anyMatch(p -> p.nodeId().equals(to) && p.state() == ConnectionState.CONNECTED);
    }

    static long refused(String reason) {
        return target.metrics().framesRefused().getOrDefault(reason, 0L);
    }

    /**
     * What every case ends with: the legitimate peer still connected, never reconnected, every message
     * it sent received; no fuzzed message delivered; no unexpected failure logged.
     */
    static void legitimateTrafficFlows() throws InterruptedException {
        long before = sent.get();
        TestNodes.await(() -> sent.get() >= before + 20, "the legitimate peer sends on");
        long now = sent.get();
        TestNodes.await(() -> delivered.stream().filter(id -> id < FUZZ_IDS).count() >= now, "its messages all arrive");
        assertTrue(sendFailures.isEmpty(), () -> "the legitimate peer's sends failed: " + sendFailures);
        assertEquals(0, legit.metrics().reconnects(), "the legitimate peer's connections were never dropped");
        assertTrue(connected(legit, "target"));
        assertFalse(delivered.stream().anyMatch(id -> id >= FUZZ_IDS), "a fuzzed message was delivered");
        assertTrue(errors.isEmpty(), () -> "the transport logged unexpected failures: " + errors);
    }

    /** Opens a connection, lets {@code fuzz} write to it, and expects it closed with {@code reason} counted. */
    static void refusedWith(String reason, Fuzz fuzz) throws Exception {
        long before = refused(reason);
        String goaway;
        try (RawPeer peer = new RawPeer(target.localPort())) {
            fuzz.write(peer);
            goaway = peer.awaitClose();
        }
        if (!goaway.isEmpty()) {
            assertTrue(goaway.startsWith(reason + ": "), "GOAWAY says " + goaway + ", expected " + reason);
        }
        TestNodes.await(() -> refused(reason) > before, reason + " counted");
        legitimateTrafficFlows();
    }

    interface Fuzz {
        void write(RawPeer peer) throws Exception;
    }

    static Frame data(long id, byte[] payload) {
        return new Frame(FrameType.DATA, 0, id, payload);
    }

    // ---- the named cases

    @Example
    void anHttpRequestIsRefusedAsBadMagic() throws Exception {
        refusedWith("bad-magic", p -> p.write("GET / HTTP/1.1\r\nHost: dwcp\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Example
    void aFutureProtocolVersionIsRefused() throws Exception {
        byte[] hello = RawPeer.encode(RawPeer.hello("legit", "target", 0));
        hello[4] = 2;
        refusedWith("bad-version", p -> p.write(hello));
    }

    @Example
    void aHugeLengthPrefixIsRefusedBeforeThePayloadArrives() throws Exception {
        for (long length : new long[] {0xFFFF_FFFFL, Integer.MAX_VALUE, FRAME_MAX - FrameCodec.OVERHEAD + 1}) {
            byte[] header = Arrays.copyOf(RawPeer.encode(data(FUZZ_IDS, new byte[0])), FrameCodec.HEADER);
            header[16] = (byte) (length >>> 24);
            header[17] = (byte) (length >>> 16);
            header[18] = (byte) (length >>> 8);
            header[19] = (byte) length;
            // after a valid HELLO, so the refusal is the length's and not the missing handshake's
            refusedWith("too-large", p -> p.greet("legit", "target").write(header));
        }
    }

    @Example
    void aBadCrcIsRefused() throws Exception {
        byte[] frame = RawPeer.encode(data(FUZZ_IDS + 1, "payload".getBytes(StandardCharsets.UTF_8)));
        frame[frame.length - 1] ^= 0x5a;
        refusedWith("bad-crc", p -> p.greet("legit", "target").write(frame));
    }

    @Example
    void aFrameCutShortByTheEndOfTheStreamIsRefusedAsTruncated() throws Exception {
        byte[] frame = RawPeer.encode(data(FUZZ_IDS + 2, new byte[100]));
        refusedWith("truncated", p -> {
            p.greet("legit", "target").write(Arrays.copyOf(frame, 60));
            p.shutdownOutput();
        });
    }

    @Example
    void halfAHelloThatStallsIsClosedByTheHelloTimeout() throws Exception {
        byte[] hello = RawPeer.encode(RawPeer.hello("legit", "target", 0));
        refusedWith("hello-timeout", p -> p.write(Arrays.copyOf(hello, hello.length / 2)));
    }

    @Example
    void halfAFrameThatStallsAfterTheHelloIsClosedAsIdle() throws Exception {
        byte[] frame = RawPeer.encode(data(FUZZ_IDS + 3, new byte[1000]));
        refusedWith("idle", p -> p.greet("legit", "target").write(Arrays.copyOf(frame, 500)));
    }

    @Example
    void aHelloFromAStrangerIsRefused() throws Exception {
        refusedWith("unknown-peer", p -> p.write(RawPeer.hello("stranger", "target", 0)));
    }

    @Example
    void dataBeforeHelloIsRefused() throws Exception {
        refusedWith("bad-hello", p -> p.write(data(FUZZ_IDS + 4, new byte[10])));
    }

    @Example
    void aFrameTheServerNeverAcceptsFromAPeerIsRefused() throws Exception {
        refusedWith("unexpected-frame", p -> p.greet("legit", "target").write(Frame.of(FrameType.ACK, FUZZ_IDS + 5)));
    }

    @Example
    void manyConnectionsAnnouncingMaximalFramesAtOnceAreAllClosed() throws Exception {
        // 64 connections each announce the largest frame allowed and send half of it, then stall:
        // the transport holds at most what arrived, and closes every one of them.
        long before = refused("idle");
        byte[] frame = RawPeer.encode(data(FUZZ_IDS + 6, new byte[FRAME_MAX - FrameCodec.OVERHEAD]));
        RawPeer[] peers = new RawPeer[64];
        try {
            for (int i = 0; i < peers.length; i++) {
                peers[i] = new RawPeer(target.localPort()).greet("legit", "target");
                peers[i].write(Arrays.copyOf(frame, frame.length / 2));
            }
            for (RawPeer p : peers) {
                assertTrue(p.awaitClose().startsWith("idle: "));
            }
        } finally {
            for (RawPeer p : peers) {
                if (p != null) {
                    p.close();
                }
            }
        }
        TestNodes.await(() -> refused("idle") >= before + peers.length, "every stalled connection counted");
        legitimateTrafficFlows();
    }

    // ---- random input

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(512);
    }

    @Property(tries = 25)
    void randomBytesBeforeTheHelloCloseTheConnectionWithACountedReason(@ForAll("noise") byte[] noise) throws Exception {
        long before = target.metrics().framesRefusedTotal();
        try (RawPeer p = new RawPeer(target.localPort())) {
            p.write(noise);
            String goaway = p.awaitClose();
            // fewer than 4 bytes cannot be judged yet: they stall and the HELLO timeout closes them
            assertTrue(goaway.isEmpty() || goaway.matches("[a-z-]+: .*"), goaway);
        }
        TestNodes.await(() -> target.metrics().framesRefusedTotal() > before, "the refusal counted");
        legitimateTrafficFlows();
    }

    /** At least a magic's worth: fewer bytes after a HELLO are a stalled frame, the idle case above. */
    @Provide
    Arbitrary<byte[]> noiseAfterHello() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(512);
    }

    @Property(tries = 25)
    void randomBytesAfterAValidHelloCloseTheConnectionWithACountedReason(@ForAll("noiseAfterHello") byte[] noise) throws Exception {
        long before = target.metrics().framesRefusedTotal();
        try (RawPeer p = new RawPeer(target.localPort())) {
            p.greet("legit", "target").write(noise);
            p.awaitClose();
        }
        TestNodes.await(() -> target.metrics().framesRefusedTotal() > before, "the refusal counted");
        legitimateTrafficFlows();
    }

    @Property(tries = 30)
    void everySingleBitFlipOfADataFrameIsRefusedOnTheWire(@ForAll @Size(max = 64) List<Byte> body,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick) throws Exception {
        byte[] payload = new byte[body.size()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = body.get(i);
        }
        byte[] frame = RawPeer.encode(data(FUZZ_IDS + 100 + pick % 1000, payload));
        int bit = pick % (frame.length * 8);
        frame[bit / 8] ^= (byte) (1 << (bit % 8));
        long before = target.metrics().framesRefusedTotal();
        try (RawPeer p = new RawPeer(target.localPort())) {
            p.greet("legit", "target").write(frame);
            p.awaitClose();
            assertFalse(p.frames().stream().anyMatch(f -> f.type() == FrameType.ACK), "bit " + bit + " flipped and acknowledged");
        }
        TestNodes.await(() -> target.metrics().framesRefusedTotal() > before, "the refusal counted");
        legitimateTrafficFlows();
    }
}
