package io.dwcp.resilience.timeout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeoutSettingsTest {

    private static final String PID = "dwcp.timeout~send";

    static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void theDefaultsAreTheSpecifiedOnes() {
        TimeoutSettings s = TimeoutSettings.from(PID, config());
        assertEquals(TimeoutMode.FIXED, s.mode());
        assertEquals(30_000_000_000L, s.timeoutNanos());
        assertEquals(10L, s.config().min_timeout_ms());
        assertEquals(300_000L, s.config().max_timeout_ms());
        assertEquals(0.95, s.config().success_factor());
        assertEquals(1.10, s.config().failure_factor());
        assertEquals(2.0, s.config().latency_multiplier());
        assertEquals(LatencyBasis.LAST, s.latencyBasis());
        assertEquals(95.0, s.config().percentile());
        assertFalse(s.config().forced());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "timeout.ms|-1|must be between",
        "timeout.ms|0|must be between",
        "timeout.ms|soon|not a whole number",
        "success.factor|NaN|finite",
        "success.factor|1.5|must be between",
        "failure.factor|0.9|must be between",
        "latency.multiplier|Infinity|finite",
        "percentile|0|must be between",
        "mode|elastic|must be one of fixed, adaptive",
        "latency.basis|median|must be one of last, percentile",
        "grow.on|always|must be one of failure, timeout",
        "forced|yes|true or false",
        "forced.max.threads|0|must be between",
    })
    void aBadValueIsRefusedNamingPidKeyValueAndReason(String key, String value, String reason) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TimeoutSettings.from(PID, config(key, value)));
        assertEquals(PID, e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key + "=" + value) && e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aMinimumAboveTheMaximumIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TimeoutSettings.from(PID, config("min.timeout.ms", "5000", "max.timeout.ms", "1000")));
        assertEquals("min.timeout.ms", e.key());
        assertTrue(e.getMessage().contains("max.timeout.ms"), e.getMessage());
    }

    @Test
    void anAdaptiveTimeoutMustStartWithinItsBounds() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TimeoutSettings.from(PID, config("mode", "adaptive", "timeout.ms", "400000")));
        assertEquals("timeout.ms", e.key());
        assertEquals(400_000_000_000L, TimeoutSettings.from(PID, config("timeout.ms", "400000")).timeoutNanos(),
                "a fixed timeout is not bound by the adaptive range");
    }
}
