package io.dwcp.resilience.chaos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's configuration through the stage kit (issue 13.3 to 13.5). */
class ChaosEngineStageTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final ChaosEngineStage stage = new ChaosEngineStage();

    @AfterEach
    void stop() {
        stage.deactivate();
    }

    private void activate(Map<String, Object> properties) {
        stage.setServices(log.logger(), events);
        stage.activate(null, properties);
    }

    @Test
    void aMalformedValueIsRefusedNamingPidKeyAndReasonAndTheSettingsStay() {
        activate(Map.of("allowed", "true", "probability", "0.5"));
        stage.modified(Map.of("allowed", "true", "probability", "lots"));
        assertEquals(0.5, stage.settings().probability());
        assertTrue(stage.status().allowed(), "still allowed");
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertEquals("probability", events.on(ResilienceEvents.CONFIGURATION_REFUSED).get(0).getProperty("key"));
        assertTrue(log.at("error").get(0).startsWith("configuration dwcp.chaos refused: probability=lots: not a number"),
                log.lines().toString());
    }

    @Test
    void aSameValuesReconfigurationIsANoOpAndAnUnknownKeyWarns() {
        activate(Map.of("allowed", "false", "probability", "0.01", "probabilty", "0.2"));
        assertTrue(log.at("warn").stream().anyMatch(l -> l.contains("unknown key 'probabilty'")), log.lines().toString());
        int lines = log.lines().size();
        stage.modified(Map.of("allowed", "false", "probability", "0.01", "probabilty", "0.2",
                "felix.fileinstall.filename", "file:/etc/dwcp.chaos.cfg"));
        assertEquals(lines, log.lines().size(), "nothing logged: " + log.lines());
        assertTrue(events.events().isEmpty());
    }

    @Test
    void aMalformedFirstConfigurationStartsNotAllowed() {
        activate(Map.of("allowed", "yes"));
        assertFalse(stage.settings().allowed());
        assertFalse(stage.status().allowed());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
    }

    @Test
    void withoutConfigurationChaosIsPresentButNotAllowed() {
        activate(Map.of());
        assertFalse(stage.status().allowed());
        assertTrue(events.events().isEmpty());
    }
}
