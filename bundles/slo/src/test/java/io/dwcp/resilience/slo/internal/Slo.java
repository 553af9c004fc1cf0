package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.kit.ConfigReader;
import java.util.Map;

/** Settings from a configuration map, as the kit reads them for the component. */
final class Slo {

    private Slo() {
    }

    static SloSettings settings(Map<String, ?> properties) {
        return SloSettings.from(new ConfigReader(SloSettings.PID, properties));
    }
}
