package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingBundleContext;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code dwcp.degradation} and {@code dwcp.loadshed} on the stage kit (issue 13, items 3 to 5): a
 * malformed value is refused with PID, key and reason and the settings in force stay; a refused
 * {@code dwcp.operation} never moves the load-shed stage; a same-values reconfiguration does
 * nothing; an unknown key is warned about, naming the file.
 */
class DegradationConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingBundleContext bundle = new RecordingBundleContext();

    private static Map<String, Object> config(String pid, Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", pid);
        p.put("felix.fileinstall.filename", "file:/etc/" + pid + ".cfg");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private DegradationManagerComponent manager(Map<String, Object> config) {
        DegradationManagerComponent m = new DegradationManagerComponent();
        m.setServices(log.logger(), events);
        m.timeSource = new ManualTimeSource();
        m.activate(bundle.context(), config);
        return m;
    }

    private LoadShedStage loadShed(Map<String, Object> config) {
        LoadShedStage s = new LoadShedStage();
        s.setServices(log.logger(), events);
        s.activate(bundle.context(), config);
        return s;
    }

    @Test
    void aMalformedManagerValueIsRefusedAndTheSettingsInForceStay() {
        DegradationManagerComponent m = manager(config("dwcp.degradation", "recovery.hold.ms", "30000"));
        DegradationSettings before = m.settings();
        m.modified(config("dwcp.degradation", "recovery.hold.ms", "lots"));
        m.modified(config("dwcp.degradation", "evaluation.interval.ms", "-1"));
        assertSame(before, m.settings());
        assertEquals(30_000, TimeUnit.NANOSECONDS.toMillis(m.settings().holdNanos()));
        assertTrue(log.at("error").get(0).startsWith(
                "configuration dwcp.degradation refused: recovery.hold.ms=lots: not a whole number"), log.lines().toString());
        assertTrue(log.at("error").get(1).contains("evaluation.interval.ms=-1: must be at least 100;"), log.lines().toString());
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        m.deactivate();
    }

    @Test
    void aRefusedFirstManagerConfigurationRunsOnTheDocumentedDefaults() {
        DegradationManagerComponent m = manager(config("dwcp.degradation", "window.ms", "x"));
        assertEquals(60_000, TimeUnit.NANOSECONDS.toMillis(m.settings().holdNanos()));
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertTrue(log.at("warn").stream().anyMatch(l -> l.contains("starts with its documented defaults")), log.lines().toString());
        m.deactivate();
    }

    @Test
    void aSameValuesReconfigurationOfTheManagerDoesNothing() {
        DegradationManagerComponent m = manager(config("dwcp.degradation", "min.calls", "50"));
        DegradationSettings settings = m.settings();
        int lines = log.lines().size();
        m.modified(config("dwcp.degradation", "min.calls", 50L));
        assertSame(settings, m.settings());
        assertEquals(lines, log.lines().size(), log.lines().toString());
        assertEquals(0, events.events().size());
        m.deactivate();
    }

    @Test
    void anUnknownManagerKeyIsWarnedNamingTheFileAndTheKey() {
        DegradationManagerComponent m = manager(config("dwcp.degradation", "recovery.hold", "5000"));
        assertTrue(log.at("warn").get(0).contains(
                "dwcp.degradation (file:/etc/dwcp.degradation.cfg): unknown key 'recovery.hold'"), log.lines().toString());
        m.deactivate();
    }

    @Test
    void aMalformedLoadShedValueIsRefusedAndTheStageNeverMoves() {
        LoadShedStage s = loadShed(config("dwcp.loadshed~send", "dwcp.operation", "send"));
        LoadShedSettings before = s.settings();
        s.modified(config("dwcp.loadshed~send", "dwcp.operation", "send", "shed.degraded", "lots"));
        s.modified(config("dwcp.loadshed~send", "dwcp.operation", "snd", "service.ranking", "9"));
        assertSame(before, s.settings());
        RecordingBundleContext.Registration r = bundle.only();
        assertEquals("send", r.properties().get("dwcp.operation"));
        assertEquals("load-shed", r.properties().get("dwcp.stage"));
        assertEquals(null, r.properties().get("service.ranking"));
        assertEquals(0, r.updates());
        assertTrue(log.at("error").get(0).contains("refused: shed.degraded=lots: not a number"), log.lines().toString());
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertThrows(InvalidConfigurationException.class,
                () -> loadShed(config("dwcp.loadshed~x", "priorities", "send,send")), "a bad first configuration");
        s.deactivate();
    }

    @Test
    void aSameValuesReconfigurationOfTheStageDoesNothingAndUnknownKeysAreWarned() {
        LoadShedStage s = loadShed(config("dwcp.loadshed~all", "priority", "send"));
        assertTrue(log.at("warn").get(0).contains("dwcp.loadshed~all (file:/etc/dwcp.loadshed~all.cfg): unknown key 'priority'"),
                log.lines().toString());
        LoadShedSettings settings = s.settings();
        int lines = log.lines().size();
        s.modified(config("dwcp.loadshed~all", "priority", "send"));
        assertSame(settings, s.settings());
        assertEquals(lines, log.lines().size());
        assertEquals(0, bundle.only().updates());
        s.deactivate();
    }
}
