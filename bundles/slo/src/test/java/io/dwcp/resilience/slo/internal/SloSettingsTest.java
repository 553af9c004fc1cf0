package io.dwcp.resilience.slo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SloSettingsTest {

    @Test
    void defaultsAreTheSpecifiedOnes() {
        SloSettings s = SloSettings.defaults("send");
        assertEquals(0.999, s.objective(), 1e-12);
        assertEquals(Duration.ofDays(30), s.window());
        assertEquals(Duration.ofMillis(100), s.latencyThreshold());
        assertEquals(0.95, s.latencyObjective(), 1e-12);
        assertEquals(List.of(
                new BurnRateRule("14.4x-1h", 14.4, Duration.ofHours(1), Duration.ofMinutes(5)),
                new BurnRateRule("6x-6h", 6, Duration.ofHours(6), Duration.ofMinutes(30)),
                new BurnRateRule("1x-3d", 1, Duration.ofDays(3), Duration.ofHours(6))), s.alerts());
        assertTrue(s.countRejections());
        assertEquals("slo/send", s.stateKey());
        assertEquals("slo/_overall", SloSettings.defaults("*").stateKey());
    }

    @Test
    void readsStringsAsFileInstallDeliversThem() {
        SloSettings s = Slo.settings(Map.of("dwcp.operation", "sync", "objective", "99.5", "latency.threshold", "500ms",
                "alerts", "2:2h:10m:slow-burn", "rejections.count", "false", "alert.min.requests", "3"));
        assertEquals(0.995, s.objective(), 1e-12);
        assertEquals(Duration.ofMillis(500), s.latencyThreshold());
        assertEquals(List.of(new BurnRateRule("slow-burn", 2, Duration.ofHours(2), Duration.ofMinutes(10))), s.alerts());
        assertFalse(s.countRejections());
        assertEquals(3, s.alertMinRequests());
    }

    @Test
    void zeroThresholdTurnsTheLatencyBudgetOffAndEmptyAlertsMeansNone() {
        SloSettings s = Slo.settings(Map.of("dwcp.operation", "*", "latency.threshold", "0", "alerts", ""));
        assertFalse(s.latencyEnabled());
        assertTrue(s.alerts().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "objective; 100",
        "objective; 0",
        "objective; NaN",
        "objective; lots",
        "objective; 99.99999",
        "window; 30 days",
        "window; 30m",
        "bucket.fine; 500ms",
        "bucket.coarse; 90s",
        "alerts; 14.4:1h",
        "alerts; 0:1h:5m",
        "alerts; 14.4:5m:1h",
        "alerts; 14.4:60d:1h",
        "alerts; 2:1h:5m:a,3:2h:10m:a",
        "latency.percentile; 100",
        "latency.threshold; 2h",
        "latency.precision; 5",
        "evaluation.interval; 5m",
        "rejections.count; maybe",
        "dwcp.operation; Send!",
    })
    void refusesBadValuesNamingPidKeyAndValue(String key, String value) {
        Map<String, Object> props = new HashMap<>(Map.of("dwcp.operation", "send"));
        props.put(key, value);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> Slo.settings(props));
        assertEquals("dwcp.slo", e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains("dwcp.slo") && e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void operationIsRequired() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> Slo.settings(Map.of()));
        assertEquals("dwcp.operation", e.key());
    }

    @Test
    void sameGeometryIgnoresObjectivesButNotBuckets() {
        SloSettings a = SloSettings.defaults("send");
        assertTrue(a.sameGeometry(Slo.settings(Map.of("dwcp.operation", "send", "objective", 99.0, "alerts", ""))));
        assertFalse(a.sameGeometry(Slo.settings(Map.of("dwcp.operation", "send", "window", "7d"))));
        assertFalse(a.sameGeometry(Slo.settings(Map.of("dwcp.operation", "send", "latency.threshold", "0"))));
    }
}
