package io.dwcp.resilience.injector.support.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;

/** Validation of configuration values, each failure naming PID, key, value and the rule. */
public final class Checks {

    private Checks() {
    }

    /**
     * @return {@code value} when it lies in [min, max]
     * @throws InvalidConfigurationException otherwise
     */
    public static long between(String pid, String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(pid, key, value,
                    "must be between " + min + " and " + max + (value < 0 ? " (negative values are refused)" : ""));
        }
        return value;
    }

    /**
     * @return {@code value} when it lies in [min, max] (never NaN)
     * @throws InvalidConfigurationException otherwise
     */
    public static double between(String pid, String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidConfigurationException(pid, key, value, "must be between " + min + " and " + max);
        }
        return value;
    }
}
