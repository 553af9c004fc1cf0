package io.dwcp.resilience.injector.memory.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.injector.support.internal.Checks;

/**
 * Validated settings of the memory-leak injector.
 *
 * @param stepBytes           retained per injection
 * @param capBytes            most retained in all
 * @param safetyMarginPercent share of the maximum heap never to be used by a step
 */
record MemorySettings(int stepBytes, long capBytes, int safetyMarginPercent) {

    private static final long MIB = 1L << 20;

    /**
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static MemorySettings of(int stepMb, int capMb, int safetyMarginPercent) {
        String pid = MemoryInjectorConfig.PID;
        Checks.between(pid, "step.mb", stepMb, 1, 1024);
        Checks.between(pid, "cap.mb", capMb, 1, 65536);
        Checks.between(pid, "safety.margin.percent", safetyMarginPercent, 5, 90);
        if (capMb < stepMb) {
            throw new InvalidConfigurationException(pid, "cap.mb", capMb, "must be at least step.mb=" + stepMb);
        }
        // 1024 MiB does not fit an int of bytes: the largest step is one byte short of it.
        long step = Math.min(stepMb * MIB, Integer.MAX_VALUE - 8);
        return new MemorySettings((int) step, capMb * MIB, safetyMarginPercent);
    }
}
