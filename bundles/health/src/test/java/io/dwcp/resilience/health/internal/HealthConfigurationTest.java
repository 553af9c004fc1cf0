package io.dwcp.resilience.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.testkit.RecordingBundleContext;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The health PIDs on the stage kit (issue 13, items 3 to 5): a malformed value is refused with PID,
 * key and reason and the settings in force stay; a refused interval never reaches the check's
 * service properties (the monitor schedules by them); a same-values reconfiguration does nothing;
 * an unknown key is warned about, naming the file.
 */
class HealthConfigurationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RecordingBundleContext bundle = new RecordingBundleContext();

    /** PID, a new component, a valid configuration, a key and a malformed value of it. */
    static Stream<Arguments> pids() {
        return Stream.of(
                Arguments.of("dwcp.health.ping", (Supplier<ConfiguredComponent<?>>) PingCheckComponent::new,
                        List.of("dwcp.health.check", "peers"), "ping.timeout.ms", "lots"),
                Arguments.of("dwcp.health.threshold", (Supplier<ConfiguredComponent<?>>) ThresholdCheckComponent::new,
                        List.of("dwcp.health.check", "send-errors", "operation", "send"), "threshold", "x"),
                Arguments.of("dwcp.health.composite", (Supplier<ConfiguredComponent<?>>) CompositeCheckComponent::new,
                        List.of("dwcp.health.check", "all", "children", "a,b"), "k", "many"),
                Arguments.of("dwcp.health", (Supplier<ConfiguredComponent<?>>) HealthMonitorComponent::new,
                        List.of("default.timeout.ms", "4000"), "default.interval.ms", "-1"));
    }

    private static Map<String, Object> config(String pid, List<String> base, Object... keyValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", pid.equals("dwcp.health") ? pid : pid + "~x");
        p.put("felix.fileinstall.filename", "file:/etc/" + pid + "-x.cfg");
        for (int i = 0; i < base.size(); i += 2) {
            p.put(base.get(i), base.get(i + 1));
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private ConfiguredComponent<?> start(Supplier<ConfiguredComponent<?>> make, Map<String, Object> config) {
        ConfiguredComponent<?> c = make.get();
        c.setServices(log.logger(), events);
        c.activate(bundle.context(), config);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aMalformedValueIsRefusedWithPidKeyAndReasonAndTheSettingsInForceStay(String pid,
            Supplier<ConfiguredComponent<?>> make, List<String> base, String key, String bad) {
        ConfiguredComponent<?> c = start(make, config(pid, base));
        Object before = c.settings();
        c.modified(config(pid, base, key, bad));
        assertSame(before, c.settings());
        String error = log.at("error").get(0);
        assertTrue(error.startsWith("configuration " + c.pid() + " refused: " + key + "=" + bad + ": "), error);
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        c.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aSameValuesReconfigurationDoesNothing(String pid, Supplier<ConfiguredComponent<?>> make, List<String> base) {
        ConfiguredComponent<?> c = start(make, config(pid, base));
        Object settings = c.settings();
        int lines = log.lines().size();
        c.modified(config(pid, base));
        assertSame(settings, c.settings());
        assertEquals(lines, log.lines().size(), log.lines().toString());
        assertEquals(0, events.events().size());
        c.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void anUnknownKeyIsWarnedNamingTheFileAndTheKey(String pid, Supplier<ConfiguredComponent<?>> make, List<String> base) {
        ConfiguredComponent<?> c = start(make, config(pid, base, "intervall.ms", "5"));
        String warning = log.at("warn").get(0);
        assertTrue(warning.contains("(file:/etc/" + pid + "-x.cfg): unknown key 'intervall.ms'"), warning);
        c.deactivate();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pids")
    void aRefusedCheckConfigurationNeverReachesItsServiceProperties(String pid, Supplier<ConfiguredComponent<?>> make,
            List<String> base, String key, String bad) {
        if (pid.equals("dwcp.health")) {
            return; // the monitor is registered by SCR: no consumer selects it by its properties
        }
        ConfiguredComponent<?> c = start(make, config(pid, base, "dwcp.health.interval.ms", "2000"));
        c.modified(config(pid, base, "dwcp.health.interval.ms", "5"));
        c.modified(config(pid, base, "dwcp.health.interval.ms", "3000", key, bad));
        RecordingBundleContext.Registration r = bundle.only();
        assertEquals(List.of(HealthCheck.class.getName()), r.interfaces());
        assertEquals("2000", r.properties().get("dwcp.health.interval.ms"));
        assertEquals(0, r.updates());
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        c.deactivate();
        assertTrue(r.unregistered());
    }

    @Test
    void aRefusedIntervalNeverReachesTheCheckServiceTheMonitorSchedules() {
        List<String> base = List.of("dwcp.health.check", "send-errors", "operation", "send", "dwcp.health.interval.ms", "2000");
        ConfiguredComponent<?> c = start(ThresholdCheckComponent::new, config("dwcp.health.threshold", base));
        c.modified(config("dwcp.health.threshold", base, "dwcp.health.interval.ms", "5"));
        c.modified(config("dwcp.health.threshold", base, "dwcp.health.check", "bad name!"));
        RecordingBundleContext.Registration r = bundle.only();
        assertEquals(List.of(HealthCheck.class.getName()), r.interfaces());
        assertEquals("2000", r.properties().get("dwcp.health.interval.ms"));
        assertEquals("send-errors", r.properties().get("dwcp.health.check"));
        assertEquals(0, r.updates());
        assertEquals(2, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertEquals("send-errors", ((HealthCheck) c).name());
        c.modified(config("dwcp.health.threshold", base, "dwcp.health.interval.ms", "3000"));
        assertEquals("3000", r.properties().get("dwcp.health.interval.ms"), "an accepted change is published");
        c.deactivate();
    }

    @Test
    void aRefusedFirstMonitorConfigurationRunsOnTheSpecifiedDefaults() {
        ConfiguredComponent<?> c = start(HealthMonitorComponent::new, config("dwcp.health", List.of(), "default.timeout.ms", "soon",
                "service.ranking", "high"));
        assertEquals(Configs.MONITOR_DEFAULTS, c.settings());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        // the refused values are not published: the service carries only what the component itself adds
        Map<String, Object> published = bundle.only().properties();
        assertEquals("dwcp.health", published.get("service.pid"));
        assertFalse(published.containsKey("default.timeout.ms"), published.toString());
        assertFalse(published.containsKey("service.ranking"), published.toString());
        c.modified(config("dwcp.health", List.of(), "default.timeout.ms", "4000"));
        assertEquals("4000", bundle.only().properties().get("default.timeout.ms"), "an accepted change is published");
        c.deactivate();
    }
}
