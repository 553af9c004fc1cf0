package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.kit.ConfigReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The chaos engine's validated configuration.
 *
 * @param allowed           the first key: whether chaos may be armed at all
 * @param probability       default injection probability in [0, 1]
 * @param operations        default operation scope, {@code null} for all
 * @param peers             default peer scope, {@code null} for all
 * @param weights           default injector selection; empty for every registered injector, weight 1
 * @param maxArm            the longest an arm request may ask for
 * @param enforcePartitions whether calls to partitioned peers fail (at the operation, inside every protection)
 */
record ChaosSettings(boolean allowed, double probability, Set<String> operations, Set<String> peers,
        Map<String, Double> weights, Duration maxArm, boolean enforcePartitions) {

    /** The defaults: not allowed, 1 %, everything in scope, every injector, at most one hour. */
    static final ChaosSettings DEFAULTS = new ChaosSettings(false, 0.01, null, null, Map.of(),
            Duration.ofHours(1), true);

    /**
     * @param config the configuration, read with the kit's reader (one wording of refusals)
     * @return the validated settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static ChaosSettings from(ConfigReader config) {
        return of(config.booleanValue("allowed", false), config.doubleValue("probability", 0.01, 0.0, 1.0),
                config.string("operations", "*"), config.string("peers", "*"), config.string("injectors", ""),
                config.longValue("max.arm.seconds", 3600, 1, Long.MAX_VALUE / 1_000_000_000L),
                config.booleanValue("partition.enforce", true));
    }

    /**
     * Validates raw configuration values.
     *
     * @return the settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static ChaosSettings of(boolean allowed, double probability, String operations, String peers, String injectors,
            long maxArmSeconds, boolean enforcePartitions) {
        String pid = ChaosConfig.PID;
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new InvalidConfigurationException(pid, "probability", probability, "must be between 0 and 1");
        }
        if (maxArmSeconds <= 0) {
            throw new InvalidConfigurationException(pid, "max.arm.seconds", maxArmSeconds, "must be positive");
        }
        Set<String> ops;
        try {
            ops = Selectors.parseScope(operations);
            if (ops != null) {
                ops.forEach(Operations::validate);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "operations", operations, e.getMessage());
        }
        Set<String> peerScope;
        try {
            peerScope = Selectors.parseScope(peers);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "peers", peers, e.getMessage());
        }
        Map<String, Double> weights;
        try {
            weights = Selectors.parseWeights(injectors);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "injectors", injectors, e.getMessage());
        }
        return new ChaosSettings(allowed, probability, ops, peerScope, java.util.Collections.unmodifiableMap(weights),
                Duration.ofSeconds(maxArmSeconds), enforcePartitions);
    }
}
