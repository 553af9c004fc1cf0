package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.ConfigReader;

/**
 * The validated settings of the health monitor.
 *
 * @param defaultIntervalMillis how often a check runs when it does not say
 * @param defaultTimeoutMillis  how long one run may take when the check does not say
 */
record HealthSettings(long defaultIntervalMillis, long defaultTimeoutMillis) {

    /** The PID of the monitor's configuration. */
    static final String PID = "dwcp.health";

    /** The specified defaults: every 10 s, 5 s per run. */
    static final HealthSettings DEFAULTS = new HealthSettings(10_000, 5_000);

    /** The shortest interval accepted, so that a typo cannot turn a check into a busy loop. */
    static final long MIN_INTERVAL_MILLIS = 10;

    /**
     * @param pid            the PID, for messages
     * @param intervalMillis the default interval
     * @param timeoutMillis  the default timeout
     * @return the settings
     * @throws InvalidConfigurationException naming the key, the value and the reason
     */
    static HealthSettings of(String pid, long intervalMillis, long timeoutMillis) {
        return new HealthSettings(checkInterval(pid, "default.interval.ms", intervalMillis),
                checkTimeout(pid, "default.timeout.ms", timeoutMillis));
    }

    /** Reads through the Metatype {@link HealthConfig}, whose defaults are the only ones, with the kit's refusals. */
    static HealthSettings from(ConfigReader in) {
        HealthConfig config = in.typed(HealthConfig.class);
        return of(in.pid(), config.default_interval_ms(), config.default_timeout_ms());
    }

    static long checkInterval(String pid, String key, long millis) {
        if (millis < MIN_INTERVAL_MILLIS) {
            throw new InvalidConfigurationException(pid, key, millis, "must be at least " + MIN_INTERVAL_MILLIS + " ms");
        }
        return millis;
    }

    static long checkTimeout(String pid, String key, long millis) {
        if (millis < 1) {
            throw new InvalidConfigurationException(pid, key, millis, "must be at least 1 ms");
        }
        return millis;
    }
}
