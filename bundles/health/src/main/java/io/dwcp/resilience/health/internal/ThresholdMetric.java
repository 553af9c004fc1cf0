package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Locale;

/**
 * The rates a threshold check can bound. Rejections (load shed, breaker open, rate limited) are the
 * layer protecting itself, not errors: they are left out of the error, failure and timeout rates, or
 * shedding would keep the very check unhealthy that made it shed.
 */
enum ThresholdMetric {
    /** (failures + timeouts) / (calls - rejections). */
    ERROR_RATE("error.rate"),
    /** failures / (calls - rejections). */
    FAILURE_RATE("failure.rate"),
    /** timeouts / (calls - rejections). */
    TIMEOUT_RATE("timeout.rate"),
    /** rejections / calls. */
    REJECTION_RATE("rejection.rate");

    private final String key;

    ThresholdMetric(String key) {
        this.key = key;
    }

    /** @return the configuration value naming this metric */
    String key() {
        return key;
    }

    /**
     * @param c counts over the measured interval
     * @return the calls the rate is taken over
     */
    long denominator(CallCounts c) {
        return this == REJECTION_RATE ? c.calls() : c.calls() - c.rejections();
    }

    /**
     * @param c counts over the measured interval
     * @return the calls the rate counts
     */
    long numerator(CallCounts c) {
        switch (this) {
            case ERROR_RATE:
                return c.failures() + c.timeouts();
            case FAILURE_RATE:
                return c.failures();
            case TIMEOUT_RATE:
                return c.timeouts();
            default:
                return c.rejections();
        }
    }

    static ThresholdMetric parse(String pid, String key, String value) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        for (ThresholdMetric metric : values()) {
            if (metric.key.equals(normalized)) {
                return metric;
            }
        }
        throw new InvalidConfigurationException(pid, key, value,
                "expected error.rate, failure.rate, timeout.rate or rejection.rate");
    }
}
