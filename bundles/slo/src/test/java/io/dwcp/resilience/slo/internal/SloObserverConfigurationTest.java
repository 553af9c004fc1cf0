package io.dwcp.resilience.slo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.InMemoryStateStore;
import io.dwcp.resilience.testkit.RecordingBundleContext;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dwcp.slo} on the stage kit (issue 13, items 3 to 5): a malformed value is refused and the
 * budget in force stays; a refused {@code dwcp.operation} never moves the observer to other calls;
 * a same-values reconfiguration does nothing; an unknown key is warned about, naming the file.
 */
class SloObserverConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingBundleContext bundle = new RecordingBundleContext();
    private final InMemoryStateStore store = new InMemoryStateStore();
    private SloObserver observer;

    @AfterEach
    void stop() {
        if (observer != null) {
            observer.deactivate();
        }
    }

    private SloObserver start(Map<String, Object> config) {
        SloObserver o = new SloObserver();
        o.setServices(log.logger(), events);
        o.store = store;
        o.timeSource = new ManualTimeSource();
        o.activate(bundle.context(), config);
        observer = o;
        return o;
    }

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "dwcp.slo~send");
        p.put("felix.fileinstall.filename", "file:/etc/dwcp.slo-send.cfg");
        p.put("dwcp.operation", "send");
        p.put("objective", "99.9");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void aMalformedValueIsRefusedWithPidKeyAndReasonAndTheBudgetInForceStays() {
        SloObserver o = start(config());
        SloSettings before = o.settings();
        o.modified(config("latency.threshold", "x"));
        o.modified(config("evaluation.interval", "-1"));
        assertSame(before, o.settings());
        List<String> errors = log.at("error");
        assertTrue(errors.get(0).startsWith("configuration dwcp.slo~send refused: latency.threshold=x: expected a whole number and a unit"), errors.toString());
        assertTrue(errors.get(1).contains("refused: evaluation.interval=-1: "), errors.toString());
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        SloObserver fresh = new SloObserver();
        fresh.setServices(log.logger(), events);
        fresh.store = store;
        assertThrows(InvalidConfigurationException.class, () -> fresh.activate(null, config("objective", "lots")),
                "a bad first configuration starts no budget");
    }

    @Test
    void aRefusedOperationNeverMovesTheObserver() {
        SloObserver o = start(config());
        o.modified(config("dwcp.operation", "snd"));
        RecordingBundleContext.Registration r = bundle.only();
        assertEquals(List.of(CallObserver.class.getName(), io.dwcp.resilience.api.metrics.MetricsSource.class.getName()),
                r.interfaces());
        assertEquals("send", r.properties().get("dwcp.operation"));
        assertEquals(0, r.updates());
        assertEquals("send", o.settings().operation());
        assertTrue(!r.properties().containsKey("dwcp.stage"), "an observer, not a stage");

        o.modified(config("dwcp.operation", "sync"));
        assertEquals("sync", r.properties().get("dwcp.operation"), "an accepted change moves it");
    }

    @Test
    void aSameValuesReconfigurationDoesNothing() {
        SloObserver o = start(config());
        SloSettings settings = o.settings();
        int lines = log.lines().size();
        int posted = events.events().size();
        Map<String, Object> again = config("objective", 99.9); // typed this time, same value
        o.modified(again);
        assertSame(settings, o.settings());
        assertEquals(lines, log.lines().size(), log.lines().toString());
        assertEquals(posted, events.events().size());
        assertEquals(0, bundle.only().updates());
    }

    @Test
    void anUnknownKeyIsWarnedNamingTheFileAndTheKey() {
        start(config("latency.treshold", "50ms"));
        String warning = log.at("warn").get(0);
        assertTrue(warning.contains("dwcp.slo~send (file:/etc/dwcp.slo-send.cfg): unknown key 'latency.treshold'"), warning);
    }

    /** The manager's per-caller observers: counted for the budget's own operation only, and into the budget in force. */
    @Test
    void perCallerObserversCountTheirOperationIntoTheBudgetInForce() {
        SloObserver o = start(config());
        ManualTimeSource clock = (ManualTimeSource) o.timeSource;
        CallObserver send = o.forCaller("send");
        CallObserver receive = o.forCaller("receive");
        for (int i = 0; i < 10; i++) {
            send.onCall(new io.dwcp.resilience.testkit.TestInvocation("send", clock), io.dwcp.resilience.api.CallOutcome.SUCCESS,
                    1_000L, null);
            receive.onCall(new io.dwcp.resilience.testkit.TestInvocation("receive", clock),
                    io.dwcp.resilience.api.CallOutcome.FAILURE, 1_000L, null);
        }
        assertEquals(10, o.keeperForTests().budget().figures().error().total());
        assertEquals(0, o.keeperForTests().budget().figures().error().bad(), "another operation's calls are not counted");

        o.modified(config("bucket.fine", "30s")); // new buckets: a new budget; the per-caller observer must follow
        send.onCall(new io.dwcp.resilience.testkit.TestInvocation("send", clock), io.dwcp.resilience.api.CallOutcome.FAILURE,
                1_000L, null);
        assertEquals(1, o.keeperForTests().budget().figures().error().bad(), "counted into the budget in force");
    }
}
