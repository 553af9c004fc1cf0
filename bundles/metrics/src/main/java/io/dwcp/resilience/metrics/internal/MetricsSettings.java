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
        boolean httpEnabled = c.booleanValue("http.enabled", true);
        String host = c.string("host", "127.0.0.1");
        if (host.isEmpty() || host.contains(" ")) {
            throw c.refuse("host", host, "must be a host name or address, e.g. 127.0.0.1");
        }
        int port = c.intValue("port", 9464, 0, 65535);
        String path = c.string("path", "/metrics");
        if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch <= ' ' || ch == '?' || ch == '#')) {
            throw c.refuse("path", path, "must start with '/' and hold no blank, '?' or '#'");
        }
        return new MetricsSettings(httpEnabled, host, port, path, c.booleanValue("jmx.enabled", true),
                c.intValue("jmx.refresh.seconds", 5, 1, 3600));
    }

    /** The documented defaults. */
    static final MetricsSettings DEFAULTS = new MetricsSettings(true, "127.0.0.1", 9464, "/metrics", true, 5);
}
