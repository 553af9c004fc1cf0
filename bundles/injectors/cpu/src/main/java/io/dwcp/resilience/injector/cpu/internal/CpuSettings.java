package io.dwcp.resilience.injector.cpu.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.injector.support.internal.Checks;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of the CPU-spike injector.
 *
 * @param threads            busy threads per spike
 * @param utilisationPercent share of each period spent spinning
 * @param durationNanos      how long a spike lasts
 * @param periodNanos        one spin-then-rest cycle
 */
record CpuSettings(int threads, int utilisationPercent, long durationNanos, long periodNanos) {

    /**
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static CpuSettings of(int threads, int utilisationPercent, long durationMs, long periodMs) {
        String pid = CpuInjectorConfig.PID;
        Checks.between(pid, "threads", threads, 1, 64);
        Checks.between(pid, "utilisation.percent", utilisationPercent, 1, 100);
        Checks.between(pid, "duration.ms", durationMs, 1, 600_000);
        Checks.between(pid, "period.ms", periodMs, 10, 1_000);
        return new CpuSettings(threads, utilisationPercent, TimeUnit.MILLISECONDS.toNanos(durationMs),
                TimeUnit.MILLISECONDS.toNanos(periodMs));
    }

    /** @return the spinning part of one period */
    long busyNanos() {
        return periodNanos * utilisationPercent / 100;
    }
}
