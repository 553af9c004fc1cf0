package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import java.util.HashMap;
import java.util.Map;

/** Configurations as SCR delivers them, written with the Metatype's method names for brevity. */
final class Configs {

    private Configs() {
    }

    /** The monitor's documented defaults. */
    static final HealthConfig MONITOR_DEFAULTS = new ConfigReader(HealthConfig.PID, Map.of()).typed(HealthConfig.class);

    /** @return the monitor's settings with these defaults for checks that set none */
    static HealthConfig monitor(long intervalMillis, long timeoutMillis) {
        return new ConfigReader(HealthConfig.PID, Map.of("default.interval.ms", intervalMillis, "default.timeout.ms",
                timeoutMillis)).typed(HealthConfig.class);
    }

    /**
     * @param pid    the PID
     * @param values method name ({@code dwcp_health_check}) to value; missing keys take their defaults
     * @return a reader of the configuration keys ({@code dwcp.health.check})
     */
    static ConfigReader of(String pid, Map<String, Object> values) {
        Map<String, Object> properties = new HashMap<>();
        values.forEach((name, value) -> properties.put(name.replace('_', '.'), value));
        return new ConfigReader(pid, properties);
    }
}
