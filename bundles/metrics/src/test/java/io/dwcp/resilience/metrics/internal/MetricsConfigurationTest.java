package io.dwcp.resilience.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metrics export's configuration, read with the kit's reader (issue 13.3). */
class MetricsConfigurationTest {

    private static MetricsConfig read(Map<String, Object> properties) {
        return MetricsExportComponent.read(new ConfigReader("dwcp.metrics", properties));
    }

    @Test
    void absentKeysAreTheDocumentedDefaults() {
        assertEquals(MetricsExportComponent.DEFAULTS, read(Map.of()));
        MetricsConfig c = read(Map.of("http.enabled", "false", "host", "0.0.0.0", "port", "0", "path", "/m",
                "jmx.enabled", "false", "jmx.refresh.seconds", "60"));
        assertEquals(List.of(false, "0.0.0.0", 0, "/m", false, 60),
                List.of(c.http_enabled(), c.host(), c.port(), c.path(), c.jmx_enabled(), c.jmx_refresh_seconds()));
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
