package io.dwcp.resilience.injector.partition.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.injector.support.internal.Checks;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Validated settings of the partition injector.
 *
 * @param peers         the peers to cut off; empty for the addressed peer
 * @param durationNanos how long a partition lasts
 */
record PartitionSettings(Set<String> peers, long durationNanos) {

    /**
     * @param peers      comma-separated peers, or blank
     * @param durationMs how long a partition lasts, in milliseconds
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static PartitionSettings of(String peers, long durationMs) {
        String pid = PartitionInjectorConfig.PID;
        Checks.between(pid, "duration.ms", durationMs, 1, 3_600_000);
        Set<String> set = new LinkedHashSet<>();
        if (peers != null && !peers.isBlank()) {
            for (String p : peers.split(",", -1)) {
                if (p.isBlank()) {
                    throw new InvalidConfigurationException(pid, "peers", peers, "contains an empty peer");
                }
                set.add(p.trim());
            }
        }
        return new PartitionSettings(Set.copyOf(set), TimeUnit.MILLISECONDS.toNanos(durationMs));
    }
}
