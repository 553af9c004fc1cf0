package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.InMemoryStateStore;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** {@code scope = peer}: one dead peer opens its own breaker, not {@code send} for every peer. */
class PerPeerBreakerTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingLogger log = new RecordingLogger();
    private final List<CircuitBreakerStage> active = new ArrayList<>();

    @AfterEach
    void deactivateAll() {
        active.forEach(CircuitBreakerStage::deactivate);
    }

    private CircuitBreakerStage stage(Object... keyValues) {
        CircuitBreakerStage s = new CircuitBreakerStage();
        s.setServices(log.logger(), events);
        s.store = store;
        s.timeSource = clock;
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", TestSupport.PID);
        p.put("dwcp.operation", "send");
        p.put("scope", "peer");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        s.activate(null, p);
        active.add(s);
        return s;
    }

    private String call(CircuitBreakerStage s, String peer, boolean fails) throws Exception {
        clock.advance(Duration.ofMillis(2)); // apart by more than the LRU's resolution
        return s.execute(new TestInvocation("send", peer, clock, TestInvocation.NO_DEADLINE), inv -> {
            if (fails) {
                throw new IOException(inv.peer() + " down");
            }
            return "ok from " + inv.peer();
        });
    }

    private void fail(CircuitBreakerStage s, String peer, int times) {
        for (int i = 0; i < times; i++) {
            assertThrows(IOException.class, () -> call(s, peer, true));
        }
    }

    @Test
    void theFailingPeersBreakerOpensAndTheOtherPeersCallsPass() throws Exception {
        CircuitBreakerStage s = stage();
        assertEquals("ok from node-a", call(s, "node-a", false));
        fail(s, "node-b", 5);

        CallNotPermittedException rejected = assertThrows(CallNotPermittedException.class, () -> call(s, "node-b", false));
        assertTrue(rejected.getMessage().contains("peer node-b"), rejected.getMessage());
        for (int i = 0; i < 20; i++) {
            assertEquals("ok from node-a", call(s, "node-a", false), "node-a's calls pass while node-b's breaker is open");
        }
        assertEquals(OPEN, s.peers("send").get("node-b").state());
        assertEquals(CLOSED, s.peers("send").get("node-a").state());
        // the control API names operations: the worst of its peers
        assertEquals(OPEN, s.state("send"));

        s.drain();
        assertTrue(new String(store.records().get("circuit-breaker/send/peer/node-b"), StandardCharsets.UTF_8)
                .contains("state=OPEN"));
        assertFalse(store.records().containsKey("circuit-breaker/send"), "no operation-wide record in peer scope");
        Event trip = events.on(ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED).get(0);
        assertEquals("node-b", trip.getProperty("peer"));
        assertEquals("send", trip.getProperty(ResilienceEvents.OPERATION));
    }

    @Test
    void inOperationScopeTheSameFailuresOpenSendForEveryPeer() throws Exception {
        CircuitBreakerStage s = stage("scope", "operation");
        fail(s, "node-b", 5);
        assertThrows(CallNotPermittedException.class, () -> call(s, "node-a", false));
    }

    @Test
    void metricsCarryThePeerAndASummaryOfTheOperation() throws Exception {
        CircuitBreakerStage s = stage();
        call(s, "node-a", false);
        fail(s, "node-b", 5);

        List<MetricsSnapshot> m = s.metrics();
        assertEquals(List.of("", "node-a", "node-b"), m.stream().map(MetricsSnapshot::peer).toList());
        MetricsSnapshot summary = m.get(0);
        assertEquals(2, summary.value("peers"));
        assertEquals(1, summary.value("openPeers"));
        assertTrue(Double.isNaN(summary.value("state")), "an operation whose peers differ has no one state");
        assertEquals(CLOSED.code(), m.get(1).value("state"));
        assertEquals(OPEN.code(), m.get(2).value("state"));
        assertEquals(5, m.get(2).value("failures"));
    }

    @Test
    void aPeersOpenBreakerIsRestoredByTheNextProvider() throws Exception {
        CircuitBreakerStage old = stage();
        fail(old, "node-b", 5);
        call(old, "node-a", false);
        old.deactivate();
        active.remove(old);

        CircuitBreakerStage replacement = stage();
        assertThrows(CallNotPermittedException.class, () -> call(replacement, "node-b", false));
        assertEquals("ok from node-a", call(replacement, "node-a", false));
    }

    @Test
    void pastMaxPeersTheLeastRecentlyUsedIsEvictedAClosedRecordDroppedAnOpenOneKept() throws Exception {
        CircuitBreakerStage s = stage("max.peers", 2);
        fail(s, "node-b", 5); // node-b OPEN, saved
        call(s, "node-a", false);
        s.transitionTo("send", CLOSED); // every peer kept so far: both CLOSED, both saved
        fail(s, "node-b", 5); // node-b OPEN again
        s.drain();
        assertTrue(store.records().containsKey("circuit-breaker/send/peer/node-a"));

        call(s, "node-c", false); // third peer: node-a is the least recently used
        assertNull(s.peers("send").get("node-a"));
        call(s, "node-d", false); // fourth: node-b goes, OPEN
        assertEquals(List.of("node-c", "node-d"), List.copyOf(s.peers("send").keySet()));
        s.drain();
        assertFalse(store.records().containsKey("circuit-breaker/send/peer/node-a"), "a CLOSED peer's record is dropped");
        assertTrue(new String(store.records().get("circuit-breaker/send/peer/node-b"), StandardCharsets.UTF_8)
                .contains("state=OPEN"), "an OPEN peer's record is kept");
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("node-b") && l.contains("evicted")), log.lines().toString());

        // node-b comes back: restored OPEN from its record, not a fresh CLOSED breaker
        assertThrows(CallNotPermittedException.class, () -> call(s, "node-b", false));
        assertEquals(OPEN, s.peers("send").get("node-b").state());
    }

    @Test
    void aChangeOfScopeMakesNewBreakersAndASizeChangeKeepsThem() throws Exception {
        CircuitBreakerStage s = stage();
        call(s, "node-a", false);
        BreakerStateMachine before = s.peers("send").get("node-a");
        s.modified(Map.of("service.pid", TestSupport.PID, "dwcp.operation", "send", "scope", "peer",
                "failure.consecutive.threshold", 3));
        assertSame(before, s.peers("send").get("node-a"));
        s.modified(Map.of("service.pid", TestSupport.PID, "dwcp.operation", "send", "scope", "operation"));
        call(s, "node-a", false);
        assertNotSame(before, s.peers("send").get(""));
    }

    @Test
    void aBadScopeOrBoundIsRefusedNamingTheKey() {
        CircuitBreakerStage s = new CircuitBreakerStage();
        s.setServices(log.logger(), events);
        s.store = store;
        InvalidConfigurationException scope = assertThrows(InvalidConfigurationException.class, () -> s.activate(null,
                Map.of("service.pid", TestSupport.PID, "dwcp.operation", "send", "scope", "node")));
        assertEquals("scope", scope.key());
        assertTrue(scope.getMessage().contains("operation, peer"), scope.getMessage());
        InvalidConfigurationException bound = assertThrows(InvalidConfigurationException.class, () -> s.activate(null,
                Map.of("service.pid", TestSupport.PID, "dwcp.operation", "send", "scope", "peer", "max.peers", 0)));
        assertEquals("max.peers", bound.key());
    }
}
