package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A validated timeout configuration: {@link TimeoutConfig} read and bounded by the kit (defaults and
 * bounds are the Metatype's), the rules across keys, and the values derived from it.
 *
 * @param config       the configuration's values
 * @param mode         fixed or adaptive
 * @param latencyBasis which observed latency bounds the adaptive timeout: the last call's or a percentile
 * @param growOn       which failures grow the adaptive timeout
 */
record TimeoutSettings(TimeoutConfig config, TimeoutMode mode, LatencyBasis latencyBasis, GrowOn growOn)
        implements ConfiguredComponent.Scoped {

    /** @return the settings of a configuration dictionary; refuses a bad value naming PID, key, value and reason */
    static TimeoutSettings from(String pid, Map<String, ?> properties) {
        return from(new ConfigReader(pid, properties));
    }

    /** @return the settings {@code c} describes; see {@link #from(String, Map)} */
    static TimeoutSettings from(ConfigReader c) {
        TimeoutConfig k = c.typed(TimeoutConfig.class);
        if (k.min_timeout_ms() > k.max_timeout_ms()) {
            throw c.refuse("min.timeout.ms", k.min_timeout_ms(),
                    "must not be greater than max.timeout.ms (" + k.max_timeout_ms() + ")");
        }
        TimeoutMode mode = ConfigReader.constant(TimeoutMode.class, k.mode());
        if (mode == TimeoutMode.ADAPTIVE && (k.timeout_ms() < k.min_timeout_ms() || k.timeout_ms() > k.max_timeout_ms())) {
            throw c.refuse("timeout.ms", k.timeout_ms(),
                    "the adaptive timeout starts within [" + k.min_timeout_ms() + ", " + k.max_timeout_ms() + "] ms");
        }
        return new TimeoutSettings(k, mode, ConfigReader.constant(LatencyBasis.class, k.latency_basis()),
                ConfigReader.constant(GrowOn.class, k.grow_on()));
    }

    @Override
    public String operation() {
        return config.dwcp_operation();
    }

    /** @return the fixed timeout, and the adaptive timeout's starting value */
    long timeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.timeout_ms());
    }

    /** @return whether the adaptive state of {@code other} can carry over to these settings */
    boolean sameAdaptationAs(TimeoutSettings other) {
        return other != null && mode == other.mode && config.timeout_ms() == other.config.timeout_ms();
    }
}
