package com.example.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage of docs/writing-a-stage.md, tested with the test kit only. */
class MaxInFlightStageTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final ManualTimeSource clock = new ManualTimeSource();

    private MaxInFlightStage stage(Map<String, Object> config) {
        MaxInFlightStage s = new MaxInFlightStage();
        s.setServices(log.logger(), events);
        s.activate(null, config); // no BundleContext: not registered, as in any unit test
        return s;
    }

    @Test
    void aCallBeyondTheLimitIsRejectedWhileTheFirstIsInFlight() throws Exception {
        MaxInFlightStage s = stage(Map.of("dwcp.operation", "send", "limit", "1"));
        TestInvocation inv = new TestInvocation("send", clock);
        String result = s.execute(inv, TestInvocation.operation(outer ->
                assertThrows(RateLimitedException.class,
                        () -> s.execute(new TestInvocation("send", clock), TestInvocation.operation(i -> "inner")))
                        .getMessage()));
        assertEquals("send: rate limited: more than 1 in flight", result);
    }

    @Test
    void aBadLimitIsRefusedOnceAndTheOldOneStays() {
        MaxInFlightStage s = stage(Map.of("limit", "2"));
        s.modified(Map.of("limit", "zero"));
        assertEquals(2, s.settings().limit());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertThrows(InvalidConfigurationException.class, () -> stage(Map.of("limit", "-1")));
    }

    @Test
    void boundsAndDefaultsAreTheMetatypes() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> stage(Map.of("limit", "10001")));
        assertEquals("limit", e.key());
        assertEquals("must be between 1 and 10000", e.reason());
        assertEquals(10, stage(Map.of()).settings().limit());
    }
}
