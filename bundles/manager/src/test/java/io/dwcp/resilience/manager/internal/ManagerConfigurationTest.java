package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The manager's configuration: malformed typed values refused, defaults kept, no-op reconfiguration. */
class ManagerConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();

    private ResilienceManagerComponent manager() throws ReflectiveOperationException {
        ResilienceManagerComponent m = new ResilienceManagerComponent(log.logger());
        Field f = ResilienceManagerComponent.class.getDeclaredField("eventAdmin");
        f.setAccessible(true);
        f.set(m, events);
        return m;
    }

    private List<Event> refusals() {
        return events.on(ResilienceEvents.CONFIGURATION_REFUSED);
    }

    @Test
    void aNonNumericMaxOperationsIsRefusedAndTheManagerStartsWithItsDefaults() throws Exception {
        ResilienceManagerComponent m = manager();
        m.activate(Map.of("service.pid", "dwcp.manager", "max.operations", "lots"));
        assertEquals(1, refusals().size());
        Event refusal = refusals().get(0);
        assertEquals("dwcp.manager", refusal.getProperty(ResilienceEvents.PID));
        assertEquals("max.operations", refusal.getProperty(ResilienceEvents.KEY));
        assertEquals("lots", refusal.getProperty("value"));
        assertEquals("not a whole number", refusal.getProperty(ResilienceEvents.REASON));
        assertTrue(log.at("error").get(0).contains("max.operations=lots"), log.lines().toString());
        assertTrue(log.at("warn").get(0).contains("running with the defaults"), log.lines().toString());
    }

    @Test
    void aMalformedChangeKeepsThePreviousConfigurationAndAnEqualOneIsANoOp() throws Exception {
        ResilienceManagerComponent m = manager();
        m.activate(Map.of("max.operations", "100", "missing.stage.policy", "bypass"));
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count());
        m.modified(Map.of("max.operations", "100 ", "missing.stage.policy", "bypass",
                "felix.fileinstall.filename", "file:/karaf/etc/dwcp.manager.cfg"));
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count(),
                "the same values again: nothing logged");
        m.modified(Map.of("max.operations", "many", "missing.stage.policy", "bypass"));
        m.modified(Map.of("max.operations", "100", "missing.stage.policy", "sometimes"));
        assertEquals(2, refusals().size());
        assertEquals(List.of("max.operations", "missing.stage.policy"),
                refusals().stream().map(e -> e.getProperty(ResilienceEvents.KEY)).toList());
        assertEquals(1, log.at("info").stream().filter(l -> l.startsWith("configuration")).count(),
                "refused: nothing applied");
    }
}
