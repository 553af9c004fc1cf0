package io.dwcp.resilience.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.health.Pingable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PingCheckTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private static Pingable answering(String name, long rttNanos) {
        return new Pingable() {
            @Override
            public String target() {
                return name;
            }

            @Override
            public long ping(long timeoutNanos) {
                return rttNanos;
            }
        };
    }

    private static Pingable silent(String name) {
        return new Pingable() {
            @Override
            public String target() {
                return name;
            }

            @Override
            public long ping(long timeoutNanos) throws IOException {
                throw new IOException("no answer within " + timeoutNanos / 1_000_000 + " ms");
            }
        };
    }

    private PingCheck check(Map<String, Object> config) {
        return new PingCheck(clock, PingSettings.from(Configs.of("dwcp.health.ping~t", config)));
    }

    @Test
    void allTargetsAnsweringIsHealthy() throws Exception {
        HealthResult result = check(Map.of()).run(List.of(answering("b", 2_000_000), answering("a", 5_000_000)));
        assertEquals(HealthStatus.HEALTHY, result.status());
        assertEquals("all 2 targets answered, slowest in 5.0 ms", result.message());
        assertEquals(2, result.details().get("reachable"));
    }

    @Test
    void underAllOneSilentTargetIsUnhealthyAndNamedWithTheReason() throws Exception {
        HealthResult result = check(Map.of()).run(List.of(answering("a", 1), silent("b")));
        assertEquals(HealthStatus.UNHEALTHY, result.status());
        assertEquals("only 1 of 2 targets answered, 2 required; no answer from b (no answer within 1000 ms)", result.message());
    }

    @Test
    void aQuorumMetButNotEveryoneIsDegraded() throws Exception {
        PingCheck atLeastTwo = check(Map.of("require", "at.least", "k", 2));
        List<Pingable> twoOfThree = List.of(answering("a", 1), silent("b"), answering("c", 1));
        assertEquals(HealthStatus.DEGRADED, atLeastTwo.run(twoOfThree).status());
        assertEquals(HealthStatus.UNHEALTHY, atLeastTwo.run(List.of(answering("a", 1), silent("b"), silent("c"))).status());
        assertEquals(HealthStatus.DEGRADED, check(Map.of("require", "any")).run(List.of(silent("a"), answering("b", 1))).status());
    }

    @Test
    void noTargetGivesTheConfiguredStatus() throws Exception {
        assertEquals(HealthStatus.UNKNOWN, check(Map.of()).run(List.of()).status());
        assertEquals(HealthStatus.UNHEALTHY, check(Map.of("no_target_status", "unhealthy")).run(List.of()).status());
    }

    @Test
    void passesThePingTimeoutToEveryTarget() throws Exception {
        HealthResult result = check(Map.of("ping_timeout_ms", 250L)).run(List.of(silent("a")));
        assertTrue(result.message().contains("no answer within 250 ms"), result.message());
    }

    @Test
    void anInterruptedRunStopsProbing() {
        Pingable interrupted = new Pingable() {
            @Override
            public String target() {
                return "x";
            }

            @Override
            public long ping(long timeoutNanos) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        assertThrows(InterruptedException.class, () -> check(Map.of()).run(List.of(interrupted)));
    }

    @Test
    void refusesBadSettingsNamingKeyAndValue() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("require", "most")));
        assertEquals("require", e.key());
        assertTrue(e.getMessage().contains("dwcp.health.ping~t") && e.getMessage().contains("most"), e.getMessage());
        assertEquals("k", assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("require", "at.least", "k", 0))).key());
        assertEquals("ping.timeout.ms", assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("ping_timeout_ms", 0L))).key());
        assertEquals("no.target.status", assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("no_target_status", "FINE"))).key());
        assertEquals("dwcp.health.check", assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("dwcp_health_check", "has space"))).key());
        assertEquals("dwcp.health.interval.ms", assertThrows(InvalidConfigurationException.class,
                () -> check(Map.of("dwcp_health_interval_ms", 5L))).key());
    }
}
