package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.health.HealthCheck;

/**
 * The interval and timeout keys that check configurations share. They are also the check service's
 * properties, which is how the monitor learns them; 0 means the monitor's default.
 */
final class CheckIntervals {

    /** The shortest interval accepted (the monitor's {@code default.interval.ms} too), so that a typo cannot turn a check into a busy loop. */
    static final long MIN_INTERVAL_MILLIS = 10;

    private CheckIntervals() {
    }

    /**
     * @param pid            the PID, for messages
     * @param intervalMillis 0 or at least {@link #MIN_INTERVAL_MILLIS}
     * @param timeoutMillis  0 or positive
     * @throws InvalidConfigurationException otherwise
     */
    static void validate(String pid, long intervalMillis, long timeoutMillis) {
        if (intervalMillis != 0 && intervalMillis < MIN_INTERVAL_MILLIS) {
            throw new InvalidConfigurationException(pid, HealthCheck.INTERVAL_MILLIS, intervalMillis,
                    "must be at least " + MIN_INTERVAL_MILLIS + " ms");
        }
        if (timeoutMillis < 0) {
            throw new InvalidConfigurationException(pid, HealthCheck.TIMEOUT_MILLIS, timeoutMillis, "must be at least 1 ms");
        }
    }

    /**
     * Reads an interval or timeout service property.
     *
     * @param value    the property's value: a Number, a numeric String, or absent
     * @param minimum  the smallest accepted value
     * @return the milliseconds, 0 when absent or 0 (use the default), -1 when invalid
     */
    static long parse(Object value, long minimum) {
        long millis;
        if (value == null) {
            return 0;
        } else if (value instanceof Number) {
            millis = ((Number) value).longValue();
        } else {
            try {
                millis = Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        if (millis == 0) {
            return 0;
        }
        return millis >= minimum ? millis : -1;
    }
}
