package io.dwcp.resilience.api.view;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One DWCP configuration as an operator should see it: the values its component runs with, and
 * the last change it refused.
 *
 * <p>{@code configured} is what ConfigurationAdmin holds (what {@code config:property-list} shows);
 * {@code inForce} is what the component runs with. They differ after a refused change: the
 * component keeps its previous good values, ConfigurationAdmin keeps the refused ones.
 *
 * @param pid         the PID ({@code dwcp.circuitbreaker~send} for a factory configuration)
 * @param factoryPid  the factory PID, or {@code null} for a singleton configuration
 * @param configured  the properties ConfigurationAdmin holds now (without {@code service.*} and
 *                    {@code felix.fileinstall.*} bookkeeping), sorted by key
 * @param inForce     the properties in force, sorted by key
 * @param inForceKnown whether {@code inForce} is known for certain: false when the component refused
 *                    its first configuration (it then runs on its documented defaults)
 * @param lastRefusal the last refused change, or {@code null} when none was seen
 */
public record ConfigurationView(String pid, String factoryPid, Map<String, Object> configured,
        Map<String, Object> inForce, boolean inForceKnown, Refusal lastRefusal) {
    /** Copies the maps, sorted. */
    public ConfigurationView {
        Objects.requireNonNull(pid, "pid");
        configured = Collections.unmodifiableMap(new TreeMap<>(configured));
        inForce = Collections.unmodifiableMap(new TreeMap<>(inForce));
    }

    /** @return the last refusal, if any */
    public Optional<Refusal> refusal() {
        return Optional.ofNullable(lastRefusal);
    }

    /** @return whether the values in force differ from the configured ones (a refused change is pending) */
    public boolean refusedChangePending() {
        return !configured.equals(inForce);
    }

    /**
     * A refused change.
     *
     * @param key             the offending key
     * @param reason          the component's message, naming PID, key, value and rule
     * @param timestampMillis when it was refused (wall clock)
     */
    public record Refusal(String key, String reason, long timestampMillis) {
        /** Checks the references. */
        public Refusal {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
