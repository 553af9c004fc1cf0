package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.MissingStagePolicy;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link MissingStagePolicy} applies when no stage of a kind serves an operation.
 *
 * <p>Overrides are written {@code <operation>:<kind>=<policy>}, where operation and kind may be
 * {@code *}. The most specific rule wins: operation and kind named, then operation named, then kind
 * named, then the default.
 */
final class MissingStagePolicies {

    static final MissingStagePolicies ALL_BYPASS = new MissingStagePolicies(MissingStagePolicy.BYPASS, Map.of());

    private final MissingStagePolicy defaultPolicy;
    /** Keyed "operation:kind" with '*' as wildcard. */
    private final Map<String, MissingStagePolicy> overrides;
    /** "operation:kind" ('*' for any operation) rejected whatever the rules say (the framework is stopping). */
    private final Set<String> rejected;

    private MissingStagePolicies(MissingStagePolicy defaultPolicy, Map<String, MissingStagePolicy> overrides) {
        this(defaultPolicy, overrides, Set.of());
    }

    private MissingStagePolicies(MissingStagePolicy defaultPolicy, Map<String, MissingStagePolicy> overrides,
            Set<String> rejected) {
        this.defaultPolicy = defaultPolicy;
        this.overrides = overrides;
        this.rejected = rejected;
    }

    /** @return these policies, except that {@code operation} ({@code *}: any) missing {@code kind} rejects the call */
    MissingStagePolicies rejecting(String operation, StageKind kind) {
        Set<String> all = new HashSet<>(rejected);
        all.add(operation + ":" + kind.id());
        return new MissingStagePolicies(defaultPolicy, overrides, Set.copyOf(all));
    }

    /**
     * Parses and validates the policy keys of the manager's configuration.
     *
     * @throws InvalidConfigurationException naming the PID, key, value and reason of the first bad value
     */
    static MissingStagePolicies parse(String pid, String defaultValue, String[] overrideValues) {
        MissingStagePolicy defaultPolicy;
        try {
            defaultPolicy = MissingStagePolicy.parse(defaultValue);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, ManagerConfig.KEY_DEFAULT_POLICY, defaultValue, e.getMessage());
        }
        Map<String, MissingStagePolicy> overrides = new LinkedHashMap<>();
        for (String value : overrideValues == null ? new String[0] : overrideValues) {
            // A .cfg file carries a list as one comma-separated string.
            for (String rule : value.split(",")) {
                if (!rule.isBlank()) {
                    parseRule(pid, rule.trim(), overrides);
                }
            }
        }
        return new MissingStagePolicies(defaultPolicy, Map.copyOf(overrides));
    }

    private static void parseRule(String pid, String rule, Map<String, MissingStagePolicy> into) {
        String key = ManagerConfig.KEY_OVERRIDES;
        int eq = rule.indexOf('=');
        int colon = rule.indexOf(':');
        if (eq < 0 || colon < 0 || colon > eq) {
            throw new InvalidConfigurationException(pid, key, rule,
                    "expected <operation>:<kind>=<bypass|reject>, e.g. consensus:circuit-breaker=reject");
        }
        String operation = rule.substring(0, colon).trim();
        String kind = rule.substring(colon + 1, eq).trim();
        String policy = rule.substring(eq + 1).trim();
        if (!operation.equals(Stage.ANY_OPERATION)) {
            try {
                Operations.validate(operation);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(pid, key, rule, e.getMessage());
            }
        }
        if (!kind.equals("*") && StageKind.fromId(kind).isEmpty()) {
            throw new InvalidConfigurationException(pid, key, rule, "unknown stage kind '" + kind
                    + "': expected * or one of " + java.util.Arrays.toString(StageKind.values()));
        }
        MissingStagePolicy parsed;
        try {
            parsed = MissingStagePolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, key, rule, e.getMessage());
        }
        if (into.put(operation + ":" + kind, parsed) != null) {
            throw new InvalidConfigurationException(pid, key, rule, "a rule for " + operation + ":" + kind
                    + " is given twice");
        }
    }

    MissingStagePolicy policyFor(String operation, StageKind kind) {
        if (!rejected.isEmpty() && (rejected.contains(operation + ":" + kind.id())
                || rejected.contains(Stage.ANY_OPERATION + ":" + kind.id()))) {
            return MissingStagePolicy.REJECT;
        }
        MissingStagePolicy p = overrides.get(operation + ":" + kind.id());
        if (p == null) {
            p = overrides.get(operation + ":*");
        }
        if (p == null) {
            p = overrides.get("*:" + kind.id());
        }
        return p == null ? defaultPolicy : p;
    }

    @Override
    public String toString() {
        return "default " + defaultPolicy + ", overrides " + overrides + (rejected.isEmpty() ? ""
                : ", rejected while the framework stops " + rejected);
    }
}
