package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;

/**
 * Validated settings of the metrics export.
 *
 * @param httpEnabled        serve the Prometheus endpoint
 * @param host               address to bind
 * @param port               port, 0 for any free one
 * @param path               scrape path
 * @param jmxEnabled         register MBeans
 * @param jmxRefreshSeconds  how often the MBean set is reconciled
 */
record MetricsSettings(boolean httpEnabled, String host, int port, String path, boolean jmxEnabled, int jmxRefreshSeconds) {

    /**
     * @param c the configuration, read with the kit's reader
     * @throws InvalidConfigurationException naming the PID, the key, the value and the rule
     */
    static MetricsSettings of(ConfigReader c) {
        MetricsConfig k = c.typed(MetricsConfig.class); // defaults and bounds: the Metatype's
        if (k.host().isEmpty() || k.host().contains(" ")) {
            throw c.refuse("host", k.host(), "must be a host name or address, e.g. 127.0.0.1");
        }
        if (!k.path().startsWith("/") || k.path().chars().anyMatch(ch -> ch <= ' ' || ch == '?' || ch == '#')) {
            throw c.refuse("path", k.path(), "must start with '/' and hold no blank, '?' or '#'");
        }
        return new MetricsSettings(k.http_enabled(), k.host(), k.port(), k.path(), k.jmx_enabled(), k.jmx_refresh_seconds());
    }

    /** The documented defaults. */
    static final MetricsSettings DEFAULTS = of(new ConfigReader(MetricsConfig.PID, java.util.Map.of()));
}
