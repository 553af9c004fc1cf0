package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.kit.ConfigReader;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The chaos engine's validated configuration: the {@link ChaosConfig} view (defaults and bounds written
 * once, in the Metatype) with its scopes and weights parsed.
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
    static final ChaosSettings DEFAULTS = from(new ConfigReader(ChaosConfig.PID, Map.of()));

    /**
     * @param config the configuration, read with the kit's reader (one wording of refusals)
     * @return the validated settings
     * @throws InvalidConfigurationException naming the PID, key, value and reason
     */
    static ChaosSettings from(ConfigReader config) {
        ChaosConfig c = config.typed(ChaosConfig.class);
        Set<String> ops = parse(config, "operations", c.operations(), text -> {
            Set<String> scope = Selectors.parseScope(text);
            if (scope != null) {
                scope.forEach(Operations::validate);
            }
            return scope;
        });
        Set<String> peers = parse(config, "peers", c.peers(), Selectors::parseScope);
        Map<String, Double> weights = parse(config, "injectors", c.injectors(), Selectors::parseWeights);
        return new ChaosSettings(c.allowed(), c.probability(), ops, peers, Collections.unmodifiableMap(weights),
                Duration.ofSeconds(c.max_arm_seconds()), c.partition_enforce());
    }

    private static <T> T parse(ConfigReader config, String key, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw config.refuse(key, text, e.getMessage());
        }
    }
}
