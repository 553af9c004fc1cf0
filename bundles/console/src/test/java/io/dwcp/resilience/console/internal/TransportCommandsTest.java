package io.dwcp.resilience.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.transport.CompressionMetrics;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPMetrics;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.ManagerUnavailableException;
import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.TransportException;
import io.dwcp.resilience.api.transport.TransportMetrics;
import io.dwcp.resilience.api.transport.TransportMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** dwcp:peers, dwcp:send and dwcp:load against a scripted transport, on a manual clock. */
class TransportCommandsTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<String> sentTo = new ArrayList<>();
    /** What the scripted transport does on the n-th send (from 0): null acknowledges. */
    private java.util.function.LongFunction<Exception> failure = n -> null;

    private final List<PeerStatus> peers = List.of(
            new PeerStatus("node-2", "127.0.0.1:7701", ConnectionState.CONNECTED, 2, 2, 412_000, NetworkTier.LOCAL, 0, 1, "",
                    832_000, 1234.5),
            new PeerStatus("node-3", "127.0.0.1:7702", ConnectionState.DISCONNECTED, 0, 2, -1, NetworkTier.UNKNOWN, 3, 7,
                    "connection refused", 0, -1));
    /** What the scripted transport's receive returns next, and what happened to it, in order. */
    private final java.util.ArrayDeque<InboundMessage> inbound = new java.util.ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private RuntimeException acknowledgeFailure;

    private DWCPManager transport() {
        AtomicLong n = new AtomicLong();
        return (DWCPManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DWCPManager.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "nodeId" -> "node-1";
                    case "peers" -> peers;
                    case "metrics" -> new DWCPMetrics("node-1", 1, true, true, null, TransportMode.DATACENTER, Map.of(),
                            new TransportMetrics(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, Map.of("bad-crc", 2L, "idle", 1L, "tls", 0L),
                                    new CompressionMetrics(false, 0, 0, 0, 0, 0), TransportMode.DATACENTER), 0);
                    case "send" -> {
                        sentTo.add((String) args[0]);
                        clock.advance(Duration.ofMillis(2));
                        Exception e = failure.apply(n.getAndIncrement());
                        if (e != null) {
                            throw e;
                        }
                        yield n.get();
                    }
                    case "sync" -> {
                        sentTo.add((String) args[0]);
                        clock.advance(Duration.ofMillis(3));
                        Exception e = failure.apply(n.getAndIncrement());
                        if (e != null) {
                            throw e;
                        }
                        yield ("answer to " + new String((byte[]) args[1], StandardCharsets.UTF_8) + " within "
                                + args[2]).getBytes(StandardCharsets.UTF_8);
                    }
                    case "receive" -> {
                        InboundMessage m = inbound.poll();
                        // a receive waits its whole timeout for nothing, 1 ms for a message
                        clock.advance(m == null ? (Duration) args[0] : Duration.ofMillis(1));
                        events.add("receive " + (m == null ? "none" : m.messageId()) + " after printing: " + printedSoFar());
                        yield java.util.Optional.ofNullable(m);
                    }
                    case "acknowledge" -> {
                        events.add("acknowledge " + ((InboundMessage) args[0]).messageId() + " after printing: " + printedSoFar());
                        if (acknowledgeFailure != null) {
                            throw acknowledgeFailure;
                        }
                        yield true;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private DwcpCommands commands(boolean withTransport) {
        DwcpCommands c = new DwcpCommands(null, null, null, null, null, out);
        if (withTransport) {
            c.setTransport(transport(), clock);
        }
        return c;
    }

    private String printedSoFar() {
        return bytes.toString(StandardCharsets.UTF_8).trim();
    }

    private String printed() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    @Test
    void peersIsAnAlignedTableWithStateTierAndLastError() {
        commands(true).peers();
        String s = printed();
        assertTrue(s.startsWith("node node-1: 2 configured, 1 connected; mode DATACENTER\n"), s);
        String[] lines = s.split("\n");
        int header = 3;
        assertTrue(lines[header].startsWith("peer    address"), s);
        assertEquals(lines[header].indexOf("state"), lines[header + 2].indexOf("CONNECTED"), s);
        assertEquals(lines[header].indexOf("state"), lines[header + 3].indexOf("DISCONNECTED"), s);
        assertTrue(s.contains("0.412") && s.contains("LOCAL") && s.contains("connection refused"), s);
    }

    @Test
    void peersAndStatusShowThroughputAndRefusalsByReason() {
        DwcpCommands c = commands(true);
        c.peers();
        String s = printed();
        assertTrue(s.contains("\nrefused  bad-crc 2, idle 1\n"), s);
        String[] lines = s.split("\n");
        int header = 3;
        assertTrue(lines[header].contains("out KiB/s") && lines[header].contains("link Mbit/s"), s);
        // right-aligned under their headers: 832 000 B/s = 812.5 KiB/s; 1234.5 Mbit/s; node-3's link never measured
        assertEquals(lines[header].indexOf("out KiB/s") + "out KiB/s".length(), lines[header + 2].indexOf("812.5") + "812.5".length(), s);
        assertEquals(lines[header].indexOf("link Mbit/s") + "link Mbit/s".length(),
                lines[header + 2].indexOf("1234.5") + "1234.5".length(), s);
        assertTrue(lines[header + 3].contains("unknown"), s);
        assertEquals("none", DwcpCommands.describeRefusals(Map.of("tls", 0L)));
    }

    @Test
    void receiveAcknowledgesTheMessageOnceItIsPrinted() {
        DwcpCommands c = commands(true);
        inbound.add(new InboundMessage("node-2", 42, "hello there".getBytes(StandardCharsets.UTF_8)));
        c.receive();
        assertEquals(List.of("receive 42 after printing: ",
                "acknowledge 42 after printing: from node-2, message 42, 11 bytes: hello there"), events);
        events.clear();
        printed();
        c.receive("--timeout", "5ms");
        assertEquals("nothing received within 5ms\n", printed());
        assertEquals(List.of("receive none after printing: "), events);
        // an acknowledgement that fails is said, after the message
        events.clear();
        inbound.add(new InboundMessage("node-2", 43, "x".getBytes(StandardCharsets.UTF_8)));
        acknowledgeFailure = new IllegalStateException("the inbound journal cannot be written");
        c.receive();
        String s = printed();
        assertTrue(s.startsWith("from node-2, message 43, 1 bytes: x\nprinted but NOT acknowledged (its sender will see a failure): "
                + "the inbound journal cannot be written"), s);
    }

    @Test
    void receiveForAWhileAcknowledgesEveryMessageAndCountsThem() {
        DwcpCommands c = commands(true);
        for (long id = 1; id <= 3; id++) {
            inbound.add(new InboundMessage(id == 2 ? "node-3" : "node-2", id, new byte[1024]));
        }
        c.receive("--for", "3s");
        String s = printed();
        assertTrue(s.startsWith("receiving for 3s, acknowledging each message (Ctrl-C stops early)\n"), s);
        assertTrue(s.contains("    1s  received        3         3.0 KiB\n"), s);
        assertTrue(s.contains("    3s  received        3         3.0 KiB\n"), s);
        assertTrue(s.endsWith("received 3 messages, 3072 bytes (node-2 2, node-3 1)\n"), s);
        assertEquals(List.of(1L, 2L, 3L), events.stream().filter(e -> e.startsWith("acknowledge"))
                .map(e -> Long.parseLong(e.split(" ")[1])).toList(), events.toString());

        c.receive("--for", "1s", "--timeout", "5s");
        assertTrue(printed().contains("--for receives until it ends: it takes no --timeout"));
        c.receive("--every", "1s");
        assertTrue(printed().contains("--every goes with --for"));
    }

    @Test
    void withoutTransportTheCommandsSaySo() {
        commands(false).peers();
        assertEquals("dwcp:peers: no transport installed (bundle io.dwcp.resilience.transport)\n", printed());
    }

    @Test
    void sendNamesTheConfiguredPeersWhenThePeerIsUnknown() {
        DwcpCommands c = commands(true);
        c.send("node-9", "hello");
        String s = printed();
        assertTrue(s.contains("unknown peer 'node-9': the configured peers are node-2, node-3"), s);
        assertTrue(s.contains("usage: dwcp:send <peer> <text>"), s);
        c.send("node-2", "hello", "world");
        s = printed();
        assertTrue(s.startsWith("sent to node-2 as message 1, acknowledged in 2.00 ms"), s);
        failure = n -> new TransportException("send", "node-2", TransportException.Kind.NOT_CONNECTED, "no stream up", null);
        c.send("node-2", "again");
        s = printed();
        assertTrue(s.startsWith("not acknowledged by node-2 (not-connected): "), s);
        assertFalse(s.contains("may still be delivered"), s);
    }

    @Test
    void syncPrintsThePeersAnswerOrWhyThereIsNone() {
        DwcpCommands c = commands(true);
        c.sync("node-2", "state", "please", "--timeout", "2s");
        assertEquals("node-2 answered in 3.00 ms, 34 bytes: answer to state please within PT2S\n", printed());
        assertEquals(List.of("node-2"), sentTo);
        c.sync("node-9", "x");
        String s = printed();
        assertTrue(s.contains("unknown peer 'node-9': the configured peers are node-2, node-3"), s);
        assertTrue(s.contains("usage: dwcp:sync <peer> [text] [--timeout 10s]"), s);
        c.sync("node-2");
        assertEquals("node-2 answered in 3.00 ms, 23 bytes: answer to  within PT10S\n", printed());
        c.sync();
        assertTrue(printed().contains("expected at least 1 argument"));
        failure = n -> new CallNotPermittedException("sync", "OPEN", "circuit breaker OPEN");
        c.sync("node-2", "state");
        s = printed();
        assertTrue(s.startsWith("no answer from node-2 ("), s);
        assertTrue(s.contains("circuit breaker OPEN"), s);
    }

    @Test
    void aSendThatTimedOutSaysTheMessageMayStillBeDelivered() {
        DwcpCommands c = commands(true);
        // the send chain's adaptive timeout ended the wait long before --timeout; the peer still holds the message
        failure = n -> new io.dwcp.resilience.api.DeadlineExceededException("send", 100_000_000L, "");
        c.send("node-2", "late", "reader");
        String s = printed();
        assertTrue(s.startsWith("not acknowledged by node-2 (deadline-exceeded): "), s);
        assertTrue(s.contains("\n  it may still be delivered: it stays queued at node-2 until an application there receives it"), s);
        assertTrue(s.contains("at the send chain's timeout (adaptive"), s);
        failure = n -> new TransportException("send", "node-2", TransportException.Kind.TIMEOUT, "no ack", null);
        c.send("node-2", "again");
        s = printed();
        assertTrue(s.startsWith("not acknowledged by node-2 (timeout): "), s);
        assertTrue(s.contains("it may still be delivered"), s);
    }

    @Test
    void loadRefusesWrongArgumentsWithUsageAndReason() {
        DwcpCommands c = commands(true);
        c.load("node-2", "--rate", "100");
        assertTrue(printed().contains("dwcp:load: --rate and --duration are required\nusage: dwcp:load <peer>"));
        c.load("node-2", "--rate", "fast", "--duration", "5s");
        assertTrue(printed().contains("--rate 'fast' is not a number"));
        // a progress line every millisecond would flood the terminal: refused, nothing sent
        c.load("node-2", "--rate", "100", "--duration", "5s", "--every", "1ms");
        assertTrue(printed().contains("dwcp:load: --every 1ms is shorter than 100ms\nusage: dwcp:load <peer>"));
        assertEquals(List.of(), sentTo);
        c.receive("--for", "5s", "--every", "99ms");
        assertTrue(printed().contains("dwcp:receive: --every 99ms is shorter than 100ms\n"));
        c.load("node-2", "--rate", "100", "--duration", "5x");
        assertTrue(printed().contains("--duration '5x' is not a duration"));
        c.load("node-2", "--rate", "100", "--duration", "5s", "--size", "-1");
        assertTrue(printed().contains("--size -1 is outside [0, 16777216]"));
        c.load("nobody", "--rate", "100", "--duration", "5s");
        assertTrue(printed().contains("unknown peer 'nobody'"));
        assertTrue(sentTo.isEmpty());
    }

    @Test
    void loadSendsAtTheRateForTheDurationAndCountsFailuresByReason() {
        failure = n -> n % 10 == 9 ? new TransportException("send", "node-2", TransportException.Kind.TIMEOUT, "no ack", null)
                : n % 25 == 24 ? new CallNotPermittedException("send", "OPEN", "breaker open") : null;
        commands(true).load("node-2", "--rate", "100", "--duration", "3s", "--size", "64");
        String s = printed();
        assertEquals(300, sentTo.size(), s);
        assertTrue(sentTo.stream().allMatch("node-2"::equals));
        assertTrue(s.startsWith("sending 100 msg/s of 64 bytes to node-2 for 3s"), s);
        // a progress line each second
        assertTrue(s.contains("    1s  sent      100"), s);
        assertTrue(s.contains("    3s  sent      300"), s);
        assertTrue(s.contains("done to node-2: 100 msg/s of 64 bytes asked for 3s, ran 3s"), s);
        // 30 time out (every 10th), 6 more are refused by the breaker (every 25th that is not a 10th: 24, 74, 124...)
        assertTrue(s.matches("(?s).*\\n  timeout +30 .*"), s);
        assertTrue(s.matches("(?s).*\\n  call-not-permitted +6 .*"), s);
        assertTrue(s.matches("(?s).*\\nacknowledged +264 .*"), s);
        assertTrue(s.contains("p50 ms"), s);
    }

    @Test
    void aMessageDueWhileTheWorkersAreFullFailsAsOverload() {
        LoadRun.Settings settings = new LoadRun.Settings("node-2", 10, Duration.ofSeconds(1), 8, 4, Duration.ofSeconds(1));
        LoadRun.Summary summary = new LoadRun(settings, payload -> { }, clock,
                r -> {
                    throw new RejectedExecutionException("full");
                }, out).run();
        assertEquals(10, summary.sent());
        assertEquals(0, summary.acked());
        assertEquals(Map.of("overload", 10L), summary.failed());
        assertFalse(summary.interrupted());
    }

    @Test
    void failureReasonsReadAsOperatorsSayThem() {
        assertEquals("partitioned", LoadRun.reason(new TransportException("send", "p", TransportException.Kind.PARTITIONED, "x", null)));
        assertEquals("manager-unavailable", LoadRun.reason(new ManagerUnavailableException("send", 5)));
        assertEquals("call-not-permitted", LoadRun.reason(new CallNotPermittedException("send", "OPEN", "x")));
        assertEquals("illegal-state", LoadRun.reason(new IllegalStateException()));
    }
}
