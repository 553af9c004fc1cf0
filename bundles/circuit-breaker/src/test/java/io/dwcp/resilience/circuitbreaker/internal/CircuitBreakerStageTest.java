package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.FORCED_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.HALF_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerListener;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class CircuitBreakerStageTest {

    private static final String PID = TestSupport.PID;

    private ManualTimeSource clock = new ManualTimeSource();
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingLogger log = new RecordingLogger();
    private final List<CircuitBreakerStage> active = new ArrayList<>();

    @AfterEach
    void deactivateAll() {
        for (CircuitBreakerStage s : active) {
            s.deactivate();
        }
    }

    private CircuitBreakerStage stage(Object... keyValues) {
        CircuitBreakerStage s = new CircuitBreakerStage();
        s.setServices(log.logger(), events);
        s.store = store;
        s.timeSource = clock;
        s.activate(null, config(keyValues));
        active.add(s);
        return s;
    }

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        p.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private String call(CircuitBreakerStage s, String operation, Exception failure) throws Exception {
        Next<String> next = inv -> {
            if (failure != null) {
                throw failure;
            }
            return "ok";
        };
        return s.execute(new TestInvocation(operation, clock), next);
    }

    private void fail(CircuitBreakerStage s, String operation, int times) {
        for (int i = 0; i < times; i++) {
            IOException down = new IOException("peer down");
            IOException thrown = assertThrows(IOException.class, () -> call(s, operation, down));
            assertSame(down, thrown, "the stage rethrows the call's own failure");
        }
    }

    private static void deactivate(CircuitBreakerStage s, List<CircuitBreakerStage> active) {
        s.deactivate();
        active.remove(s);
    }

    @Test
    void aTripIsSavedPostedAndToldToListenersInOrder() throws Exception {
        CircuitBreakerStage s = new CircuitBreakerStage();
        List<CircuitBreakerTransition> heard = new CopyOnWriteArrayList<>();
        List<CircuitBreakerTransition> syncOnly = new CopyOnWriteArrayList<>();
        s.listeners = List.of(Map.entry(Map.of(), (CircuitBreakerListener) heard::add),
                Map.entry(Map.of(CircuitBreakerListener.OPERATION, "sync"), (CircuitBreakerListener) syncOnly::add));
        s.setServices(log.logger(), events);
        s.store = store;
        s.timeSource = clock;
        s.activate(null, config("half.open.probes", 1));
        active.add(s);

        assertEquals("ok", call(s, "send", null));
        fail(s, "send", 5);
        assertThrows(CallNotPermittedException.class, () -> call(s, "send", null));
        clock.advance(Duration.ofSeconds(60));
        assertEquals("ok", call(s, "send", null));
        s.drain();

        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"),
                heard.stream().map(t -> t.from() + "->" + t.to()).toList());
        assertTrue(syncOnly.isEmpty());
        List<Event> posted = events.on(ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED);
        assertEquals(3, posted.size());
        Event trip = posted.get(0);
        assertEquals("send", trip.getProperty(ResilienceEvents.OPERATION));
        assertEquals("CLOSED", trip.getProperty(ResilienceEvents.FROM));
        assertEquals("OPEN", trip.getProperty(ResilienceEvents.TO));
        assertEquals("5 consecutive failures", trip.getProperty(ResilienceEvents.REASON));
        assertEquals(PID, trip.getProperty(ResilienceEvents.PID));
        String saved = new String(store.records().get("circuit-breaker/send"), StandardCharsets.UTF_8);
        assertTrue(saved.contains("state=CLOSED"), saved);
        assertTrue(log.at("warn").stream().anyMatch(l -> l.contains("CLOSED -> OPEN (5 consecutive failures)")),
                log.lines().toString());
    }

    @Test
    void anOpenBreakerStaysOpenWithItsRemainingTimeWhenItsProviderIsSwapped() throws Exception {
        CircuitBreakerStage old = stage();
        fail(old, "send", 5);
        clock.advance(Duration.ofSeconds(20));
        deactivate(old, active);

        CircuitBreakerStage replacement = stage();
        assertEquals(OPEN, replacement.state("send"));
        MetricsSnapshot m = replacement.metrics().get(0);
        assertEquals(40_000, m.value("openRemainingMillis"));
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class,
                () -> call(replacement, "send", null));
        assertTrue(e.getMessage().contains("40 s"), e.getMessage());
        clock.advance(Duration.ofSeconds(40));
        assertEquals("ok", call(replacement, "send", null));
        assertEquals(HALF_OPEN, replacement.state("send"));
    }

    @Test
    void aCallInFlightOnTheOldChainMeetsTheLastStateOfADeactivatedBreaker() throws Exception {
        CircuitBreakerStage old = stage();
        fail(old, "send", 5);
        deactivate(old, active); // the bundle updates; a caller read the chain before it changed
        assertThrows(CallNotPermittedException.class, () -> call(old, "send", null),
                "still OPEN for a call that entered it, not a NullPointerException");
    }

    @Test
    void anOpenBreakerStaysOpenAcrossARestartWhereNanoTimeStartsAnew() throws Exception {
        CircuitBreakerStage before = stage();
        fail(before, "send", 5);
        long wallAtTrip = clock.currentTimeMillis();
        deactivate(before, active);

        // A new JVM 25 s later: nanoTime has another origin, the wall clock moved on by 25 s.
        clock = new ManualTimeSource(987_654_321_000L, wallAtTrip + 25_000 - 987_654L);
        CircuitBreakerStage after = stage();
        assertEquals(OPEN, after.state("send"));
        assertEquals(35_000, after.metrics().get(0).value("openRemainingMillis"));
        assertTrue(log.at("info").stream().anyMatch(l -> l.contains("restored OPEN for send (35.0 s left)")),
                log.lines().toString());
    }

    @Test
    void aBadValueAtRuntimeIsRefusedLoudlyAndTheOldConfigurationStays() throws Exception {
        CircuitBreakerStage s = stage();
        s.modified(config("failure.rate.threshold", "NaN"));
        String error = log.at("error").get(0);
        assertTrue(error.contains(PID) && error.contains("failure.rate.threshold=NaN")
                && error.contains("must be a finite number"), error);
        Event refused = events.on(ResilienceEvents.CONFIGURATION_REFUSED).get(0);
        assertEquals(PID, refused.getProperty(ResilienceEvents.PID));
        assertEquals("failure.rate.threshold", refused.getProperty(ResilienceEvents.KEY));

        s.modified(config("window.minimum.calls", 500, "window.size", 100));
        assertEquals(2, log.at("error").size());
        assertEquals(50.0, s.settings().failureRateThreshold());
        fail(s, "send", 4);
        assertEquals(CLOSED, s.state("send"));
        fail(s, "send", 1);
        assertEquals(OPEN, s.state("send"), "the old threshold of 5 still applies");
    }

    @Test
    void aNewThresholdAppliesLiveWithoutLosingTheState() throws Exception {
        CircuitBreakerStage s = stage();
        fail(s, "send", 1);
        s.modified(config("failure.consecutive.threshold", "2"));
        fail(s, "send", 1);
        assertEquals(OPEN, s.state("send"));
        s.modified(config("failure.consecutive.threshold", "3"));
        assertEquals(OPEN, s.state("send"), "reconfiguring does not close an open breaker");
    }

    @Test
    void aBadValueAtActivationStopsTheComponent() {
        CircuitBreakerStage s = new CircuitBreakerStage();
        s.setServices(log.logger(), events);
        s.store = store;
        assertThrows(InvalidConfigurationException.class, () -> s.activate(null, config("half.open.probes", -3)));
        assertTrue(log.at("error").get(0).contains("half.open.probes=-3"), log.lines().toString());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
    }

    @Test
    void aWildcardConfigurationKeepsOneBreakerPerOperation() throws Exception {
        CircuitBreakerStage s = stage("dwcp.operation", "*");
        fail(s, "send", 5);
        assertEquals("ok", call(s, "sync", null));
        assertEquals(OPEN, s.state("send"));
        assertEquals(CLOSED, s.state("sync"));
        List<MetricsSnapshot> m = s.metrics();
        assertEquals(List.of("send", "sync"), m.stream().map(MetricsSnapshot::operation).toList());
        s.drain();
        assertTrue(store.records().containsKey("circuit-breaker/send"));
        deactivate(s, active);

        CircuitBreakerStage again = stage("dwcp.operation", "*");
        assertThrows(CallNotPermittedException.class, () -> call(again, "send", null));
        assertThrows(IllegalArgumentException.class, () -> call(again, "Not An Operation", null));
    }

    @Test
    void aSingleOperationBreakerRefusesControlOfAnotherOperation() {
        CircuitBreakerStage s = stage();
        assertThrows(IllegalArgumentException.class, () -> s.state("sync"));
        assertEquals(java.util.Set.of("send"), s.operations());
    }

    @Test
    void operatorsControlTheBreakerAndTheirOrdersAreKept() throws Exception {
        CircuitBreakerStage s = stage();
        s.transitionTo("send", FORCED_OPEN);
        assertThrows(CallNotPermittedException.class, () -> call(s, "send", null));
        deactivate(s, active);
        CircuitBreakerStage after = stage();
        assertEquals(FORCED_OPEN, after.state("send"));
        after.reset("send");
        assertEquals("ok", call(after, "send", null));
        after.openFor("send", Duration.ofSeconds(5));
        assertEquals(OPEN, after.state("send"));
        after.drain();
        List<Event> posted = events.on(ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED);
        assertTrue(posted.stream().allMatch(e -> Boolean.TRUE.equals(e.getProperty("manual"))));
        assertEquals(clock.currentTimeMillis() + 5_000, posted.get(posted.size() - 1).getProperty("openUntil"));
    }

    @Test
    void aStoreThatCannotSaveIsLoggedAndTheBreakerGoesOn() throws Exception {
        store.failWrites(true);
        CircuitBreakerStage s = stage();
        fail(s, "send", 5);
        s.drain();
        assertEquals(OPEN, s.state("send"));
        assertTrue(log.at("error").stream().anyMatch(l -> l.contains("cannot save state OPEN of send")),
                log.lines().toString());
    }

    @Test
    void aDamagedRecordIsReportedAndTheBreakerStartsClosed() throws Exception {
        store.records().put("circuit-breaker/send", "garbage".getBytes(StandardCharsets.UTF_8));
        CircuitBreakerStage s = stage();
        assertEquals(CLOSED, s.state("send"));
        assertTrue(log.at("warn").stream().anyMatch(l -> l.contains("cannot restore circuit-breaker/send")),
                log.lines().toString());
    }

    @Test
    void changingTheOperationMovesToThatOperationsBreaker() throws Exception {
        CircuitBreakerStage s = stage();
        fail(s, "send", 5);
        s.modified(config("dwcp.operation", "sync"));
        assertEquals(CLOSED, s.state("sync"));
        s.modified(config());
        assertEquals(OPEN, s.state("send"), "send's breaker is restored from the store");
    }
}
