package io.dwcp.resilience.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metrics export's configuration, read with the kit's reader (issue 13.3). */
class MetricsSettingsTest {

    private static MetricsSettings read(Map<String, Object> properties) {
        return MetricsSettings.of(new ConfigReader("dwcp.metrics", properties));
    }

    @Test
    void absentKeysAreTheDocumentedDefaults() {
        assertEquals(MetricsSettings.DEFAULTS, read(Map.of()));
        assertEquals(new MetricsSettings(false, "0.0.0.0", 0, "/m", false, 60), read(Map.of("http.enabled", "false",
                "host", "0.0.0.0", "port", "0", "path", "/m", "jmx.enabled", "false", "jmx.refresh.seconds", "60")));
    }

    @ParameterizedTest
    @CsvSource({"port, lots", "port, 65536", "http.enabled, lots", "jmx.enabled, yes", "jmx.refresh.seconds, 0",
            "path, metrics", "host, ''"})
    void aMalformedValueIsRefusedNamingPidKeyAndReason(String key, String value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(key, value)));
        assertEquals("dwcp.metrics", e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().startsWith("configuration dwcp.metrics refused: " + key + "="), e.getMessage());
    }
}
