package io.dwcp.resilience.fallback.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FallbackStageTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final ManualTimeSource clock = new ManualTimeSource();

    private FallbackStage stage(Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        FallbackStage s = new FallbackStage();
        s.setServices(log.logger(), events);
        s.activate(null, config);
        return s;
    }

    private static Object failing(Invocation inv) throws IOException {
        throw new IOException("peer " + inv.peer() + " is down");
    }

    @Test
    void aStaticResponseAnswersAFailedCallOfEachType() throws Exception {
        FallbackStage s = stage("use", "static", "static.value", "offline");
        assertEquals("offline", s.execute(new TestInvocation("sync", clock), TestInvocation.operation(FallbackStageTest::failing)));
        s.modified(Map.of("use", "static", "static.type", "bytes", "static.value", "offline"));
        assertArrayEquals("offline".getBytes(StandardCharsets.UTF_8),
                (byte[]) s.execute(new TestInvocation("sync", clock), TestInvocation.operation(FallbackStageTest::failing)));
        s.modified(Map.of("use", "static", "static.type", "empty"));
        assertEquals(Optional.empty(), s.execute(new TestInvocation("receive", clock), TestInvocation.operation(FallbackStageTest::failing)));
        s.modified(Map.of("use", "static", "static.type", "null"));
        assertNull(s.execute(new TestInvocation("receive", clock), TestInvocation.operation(FallbackStageTest::failing)));
    }

    @Test
    void theLastGoodResponseOfTheSamePeerAnswersUntilItIsTooOld() throws Exception {
        FallbackStage s = stage("dwcp.operation", "sync", "use", "last-good", "last.good.max.age.ms", "1000");
        assertEquals("state-a", s.execute(new TestInvocation("sync", "a", clock, Invocation.NO_DEADLINE),
                TestInvocation.operation(inv -> "state-a")));
        assertEquals("state-b", s.execute(new TestInvocation("sync", "b", clock, Invocation.NO_DEADLINE),
                TestInvocation.operation(inv -> "state-b")));

        clock.advance(Duration.ofMillis(1000));
        assertEquals("state-a", s.execute(new TestInvocation("sync", "a", clock, Invocation.NO_DEADLINE),
                TestInvocation.operation(FallbackStageTest::failing)), "same peer's response, 1000 ms old");

        clock.advance(Duration.ofMillis(1));
        IOException tooOld = assertThrows(IOException.class, () -> s.execute(
                new TestInvocation("sync", "a", clock, Invocation.NO_DEADLINE), TestInvocation.operation(FallbackStageTest::failing)));
        assertEquals("peer a is down", tooOld.getMessage());
        assertThrows(IOException.class, () -> s.execute(new TestInvocation("sync", "c", clock, Invocation.NO_DEADLINE),
                TestInvocation.operation(FallbackStageTest::failing)), "no response from c was ever kept");

        MetricsSnapshot m = s.metrics().get(0);
        assertEquals("sync", m.operation());
        assertEquals(3.0, m.value("failures"));
        assertEquals(1.0, m.value("answeredByLastGood"));
        assertEquals(2.0, m.value("unanswered"));
    }

    @Test
    void otherPeersAreTriedInOrderThroughTheRestOfTheChainSkippingTheFailedOne() throws Exception {
        FallbackStage s = stage("use", "peers", "peers", "b, c, d");
        List<String> tried = new ArrayList<>();
        Object answer = s.execute(new TestInvocation("send", "b", clock, Invocation.NO_DEADLINE), TestInvocation.operation(inv -> {
            tried.add(inv.peer());
            if (!inv.peer().equals("d")) {
                throw new IOException("peer " + inv.peer() + " is down");
            }
            return 42L;
        }));
        assertEquals(42L, answer);
        assertEquals(List.of("b", "c", "d"), tried, "b failed first, so only c and d were tried instead");
        assertEquals(1.0, s.metrics().get(0).value("answeredByPeer"));
    }

    @Test
    void whenNoWayAnswersTheOriginalFailureIsThrownWithTheOthersSuppressed() {
        FallbackStage s = stage("use", "peers, last-good", "peers", "b");
        IOException e = assertThrows(IOException.class, () -> s.execute(
                new TestInvocation("send", "a", clock, Invocation.NO_DEADLINE), TestInvocation.operation(FallbackStageTest::failing)));
        assertEquals("peer a is down", e.getMessage());
        assertEquals("peer b is down", e.getSuppressed()[0].getMessage());
    }

    @Test
    void peersAreNotTriedForACallToNoPeerNorAfterTheDeadline() {
        FallbackStage s = stage("use", "peers", "peers", "b");
        List<String> tried = new ArrayList<>();
        assertThrows(IOException.class, () -> s.execute(new TestInvocation("consensus", clock),
                TestInvocation.operation(inv -> { tried.add(inv.peer()); return failing(inv); })));
        assertThrows(IOException.class, () -> s.execute(new TestInvocation("send", "a", clock, clock.nanoTime()),
                TestInvocation.operation(inv -> { tried.add(inv.peer()); return failing(inv); })));
        assertEquals(List.of("", "a"), tried);
    }

    @Test
    void onlyTheNamedFailuresFallBack() throws Exception {
        FallbackStage s = stage("use", "static", "static.value", "cached", "on", "java.io.IOException");
        assertEquals("cached", s.execute(new TestInvocation("sync", clock), TestInvocation.operation(FallbackStageTest::failing)));
        CallNotPermittedException open = new CallNotPermittedException("sync", "OPEN", "circuit open");
        assertSame(open, assertThrows(CallNotPermittedException.class, () -> s.execute(new TestInvocation("sync", clock),
                TestInvocation.operation(inv -> { throw open; }))));
    }

    @Test
    void badConfigurationIsRefusedNamingTheKey() {
        String noPeers = assertThrows(InvalidConfigurationException.class, () -> stage("use", "peers")).getMessage();
        assertTrue(noPeers.contains("peers") && noPeers.contains("required when use includes peers"), noPeers);
        String unknown = assertThrows(InvalidConfigurationException.class, () -> stage("use", "cache")).getMessage();
        assertTrue(unknown.contains("use=cache") && unknown.contains("peers, last-good, static"), unknown);
        String twice = assertThrows(InvalidConfigurationException.class, () -> stage("use", "static,static")).getMessage();
        assertTrue(twice.contains("named twice"), twice);
        String slot = assertThrows(InvalidConfigurationException.class,
                () -> stage("dwcp.stage.position", "after:fallback")).getMessage();
        assertTrue(slot.contains("dwcp.stage.position") && slot.contains("not a built-in kind"), slot);

        assertEquals(4, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size(), "each refused first configuration posted once");
        FallbackStage s = stage("use", "static");
        s.modified(Map.of("use", "static", "static.type", "xml"));
        assertEquals(FallbackSettings.StaticType.STRING, s.settings().staticType(), "the previous settings stay");
        assertEquals(5, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
    }
}
