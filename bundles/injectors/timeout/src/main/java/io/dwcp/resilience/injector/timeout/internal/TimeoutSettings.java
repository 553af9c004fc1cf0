package io.dwcp.resilience.injector.timeout.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.injector.support.internal.Checks;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of the timeout injector.
 *
 * @param maxHoldNanos the longest a call is held
 */
record TimeoutSettings(long maxHoldNanos) {

    /**
     * @param maxHoldMs the longest a call is held, in milliseconds
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static TimeoutSettings of(long maxHoldMs) {
        Checks.between(TimeoutInjectorConfig.PID, "max.hold.ms", maxHoldMs, 0, 600_000);
        return new TimeoutSettings(TimeUnit.MILLISECONDS.toNanos(maxHoldMs));
    }
}
