package io.dwcp.resilience.api.chaos;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A picture of the chaos engine at one moment.
 *
 * @param allowed             whether the configuration allows chaos (the first key)
 * @param armed               whether an operator armed it and it has not run out (the second key)
 * @param armedAtMillis       wall-clock time of the arming in force, 0 when not armed
 * @param expiresAtMillis     wall-clock time at which it disarms itself, 0 when not armed
 * @param reason              the reason given when armed; when not armed, why it was last disarmed
 * @param probability         the injection probability in force (armed) or configured (not armed)
 * @param operations          the operation scope, {@code *} for all
 * @param peers               the peer scope, {@code *} for all
 * @param weights             the injectors selected and their weights; empty means every available one, weight 1
 * @param availableInjectors  names of the injectors registered now
 * @param injections          faults injected so far, per injector name
 * @param arms                times chaos was armed
 * @param disarms             times it was disarmed (by an operator, expiry, configuration or shutdown)
 * @param refusals            arm requests refused (not allowed or invalid)
 */
public record ChaosStatus(boolean allowed, boolean armed, long armedAtMillis, long expiresAtMillis, String reason,
        double probability, List<String> operations, List<String> peers, Map<String, Double> weights,
        List<String> availableInjectors, Map<String, Long> injections, long arms, long disarms, long refusals) {

    /** Copies the collections, so a status never changes. */
    public ChaosStatus {
        operations = List.copyOf(operations);
        peers = List.copyOf(peers);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        availableInjectors = List.copyOf(availableInjectors);
        injections = Collections.unmodifiableMap(new LinkedHashMap<>(injections));
    }

    /**
     * @param injector an injector name
     * @return faults it injected so far
     */
    public long injections(String injector) {
        Long n = injections.get(injector);
        return n == null ? 0 : n;
    }

    /**
     * @return whether the engine is armed but none of the injectors its arming selected is registered
     *         (all were uninstalled or stopped): it injects nothing until one comes back
     * @since 1.2
     */
    public boolean idle() {
        if (!armed) {
            return false;
        }
        if (weights.isEmpty()) {
            return availableInjectors.isEmpty();
        }
        return weights.keySet().stream().noneMatch(availableInjectors::contains);
    }

    /** @return faults injected so far by every injector */
    public long totalInjections() {
        long sum = 0;
        for (long n : injections.values()) {
            sum += n;
        }
        return sum;
    }
}
