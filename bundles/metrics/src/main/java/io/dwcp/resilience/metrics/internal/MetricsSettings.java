package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;

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
     * @throws InvalidConfigurationException naming the PID, the key, the value and the rule
     */
    static MetricsSettings of(MetricsConfig c) {
        String host = c.host() == null ? "" : c.host().trim();
        if (host.isEmpty() || host.contains(" ")) {
            throw new InvalidConfigurationException(MetricsConfig.PID, "host", c.host(), "must be a host name or address, e.g. 127.0.0.1");
        }
        if (c.port() < 0 || c.port() > 65535) {
            throw new InvalidConfigurationException(MetricsConfig.PID, "port", c.port(), "must be between 0 (any free port) and 65535");
        }
        String path = c.path() == null ? "" : c.path().trim();
        if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch <= ' ' || ch == '?' || ch == '#')) {
            throw new InvalidConfigurationException(MetricsConfig.PID, "path", c.path(), "must start with '/' and hold no blank, '?' or '#'");
        }
        if (c.jmx_refresh_seconds() < 1 || c.jmx_refresh_seconds() > 3600) {
            throw new InvalidConfigurationException(MetricsConfig.PID, "jmx.refresh.seconds", c.jmx_refresh_seconds(), "must be between 1 and 3600");
        }
        return new MetricsSettings(c.http_enabled(), host, c.port(), path, c.jmx_enabled(), c.jmx_refresh_seconds());
    }

    /** The documented defaults. */
    static final MetricsSettings DEFAULTS = new MetricsSettings(true, "127.0.0.1", 9464, "/metrics", true, 5);
}
