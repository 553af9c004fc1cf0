package io.dwcp.resilience.injector.latency.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.injector.support.internal.Checks;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of the latency injector.
 *
 * @param minNanos     shortest delay
 * @param maxNanos     longest delay
 * @param distribution how delays are drawn in between
 */
record LatencySettings(long minNanos, long maxNanos, DelayDistribution distribution) {

    static final LatencySettings DEFAULTS = of(50, 200, "uniform");

    /**
     * @param minMs        shortest delay in milliseconds
     * @param maxMs        longest delay in milliseconds
     * @param distribution a {@link DelayDistribution} name
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static LatencySettings of(long minMs, long maxMs, String distribution) {
        String pid = LatencyInjectorConfig.PID;
        Checks.between(pid, "min.ms", minMs, 0, 600_000);
        Checks.between(pid, "max.ms", maxMs, 0, 600_000);
        if (maxMs < minMs) {
            throw new InvalidConfigurationException(pid, "max.ms", maxMs, "must not be below min.ms=" + minMs);
        }
        DelayDistribution d = DelayDistribution.parse(distribution);
        if (d == null) {
            throw new InvalidConfigurationException(pid, "distribution", distribution,
                    "must be uniform, normal or exponential");
        }
        return new LatencySettings(TimeUnit.MILLISECONDS.toNanos(minMs), TimeUnit.MILLISECONDS.toNanos(maxMs), d);
    }
}
