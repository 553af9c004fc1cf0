package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DegradationSettingsTest {

    private static DegradationSettings settings(Map<String, Object> config) {
        return DegradationSettings.from(Configs.of("dwcp.degradation", config));
    }

    @Test
    void theDefaultsAreTheSpecifiedOnes() {
        DegradationSettings s = settings(Map.of());
        assertEquals(LevelTable.SPECIFIED, s.table());
        assertEquals(100_000_000L, s.thresholdsOf("send").latencyNanos());
        assertEquals(0L, s.thresholdsOf("receive").latencyNanos(), "receive: latency not judged");
        assertFalse(s.thresholdsOf("receive").judgesLatency());
        assertEquals(500_000_000L, s.thresholdsOf("sync").latencyNanos());
        assertEquals(1_000_000_000L, s.thresholdsOf("consensus").latencyNanos());
        assertEquals(0.01, s.thresholdsOf("send").errorRate());
        assertEquals(30, s.windowSlots());
    }

    @Test
    void perOperationErrorRatesOverrideTheDefault() {
        DegradationSettings s = settings(Map.of("error_rate_thresholds", "consensus:0.005"));
        assertEquals(0.005, s.thresholdsOf("consensus").errorRate());
        assertEquals(1_000_000_000L, s.thresholdsOf("consensus").latencyNanos());
        assertEquals(0.01, s.thresholdsOf("send").errorRate());
    }

    @Test
    void refusesBadValuesNamingKeyValueAndReason() {
        assertRefused(Map.of("table_severely_degraded", 0.9), "table.severely.degraded", "above table.degraded");
        assertRefused(Map.of("table_emergency", 1.5), "table.emergency", "above table.severely.degraded");
        assertRefused(Map.of("table_degraded", Double.NaN), "table.degraded", "must be a finite number");
        assertRefused(Map.of("table_degraded", -1.0), "table.degraded", "positive");
        assertRefused(Map.of("recovery_hold_ms", "lots"), "recovery.hold.ms", "not a whole number");
        assertRefused(Map.of("error_rate_threshold", 0.0), "error.rate.threshold", "above 0");
        assertRefused(Map.of("error_rate_thresholds", "send=0.1"), "error.rate.thresholds", "not name:value");
        assertRefused(Map.of("latency_thresholds_ms", "send:fast"), "latency.thresholds.ms", "not a whole number");
        assertRefused(Map.of("latency_thresholds_ms", "send:100,send:200"), "latency.thresholds.ms", "listed twice");
        assertRefused(Map.of("latency_thresholds_ms", "Send:100"), "latency.thresholds.ms", "invalid operation name");
        assertRefused(Map.of("latency_thresholds_ms", "send:-1"), "latency.thresholds.ms", "or 0 for an operation whose latency is not judged");
        assertRefused(Map.of("latency_threshold_ms", 0L), "latency.threshold.ms", "must be at least 1");
        assertRefused(Map.of("recovery_hold_ms", -1L), "recovery.hold.ms", "must be at least 0");
        assertRefused(Map.of("window_ms", 500L), "window.ms", "at least the evaluation interval");
        assertRefused(Map.of("latency_percentile", 1.0), "latency.percentile", "must be between 0.5 and 0.9999");
        assertRefused(Map.of("health_unhealthy_level", "BAD"), "health.unhealthy.level", "unknown degradation level");
        assertRefused(Map.of("features", "chaos:SOMETIMES"), "features", "unknown degradation level");
        assertRefused(Map.of("min_calls", 0L), "min.calls", "at least 1");
    }

    private static void assertRefused(Map<String, Object> config, String key, String reason) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> settings(config));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("dwcp.degradation"), e.getMessage());
    }
}
