package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.StageKind;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * When calls wait for a missing stage kind instead of running without it: make-before-break after a
 * provider went away, and the start-up gate.
 *
 * @param kinds       the kinds whose loss is held
 * @param holdNanos   how long after a provider went away calls wait for another (0: not at all)
 * @param graceNanos  how long after the manager started calls wait for the kinds their configuration names
 * @param stagePids   which factory configuration configures which kind (for the start-up gate)
 */
record HoldSettings(Set<StageKind> kinds, long holdNanos, long graceNanos, Map<String, StageKind> stagePids) {

    /** Nothing held, no start-up gate: the manager's behaviour before it is configured. */
    static final HoldSettings NONE = new HoldSettings(Set.of(), 0, 0, Map.of());

    /** The documented defaults (used while the configuration in place is refused). */
    static final HoldSettings DEFAULT = parse(ManagerConfig.PID, new String[] {ManagerConfig.DEFAULT_HOLD_KINDS},
            ManagerConfig.DEFAULT_HOLD_MS, ManagerConfig.DEFAULT_STARTUP_GRACE_MS,
            new String[] {ManagerConfig.DEFAULT_STAGE_PIDS});

    HoldSettings {
        kinds = kinds.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        stagePids = Map.copyOf(stagePids);
    }

    boolean holds(StageKind kind) {
        return holdNanos > 0 && kinds.contains(kind);
    }

    /**
     * Parses and validates the hold keys of the manager's configuration (the bounds of the durations are
     * the Metatype's, checked by the kit when it read them).
     *
     * @throws InvalidConfigurationException naming the PID, key, value and reason of the first bad value
     */
    static HoldSettings parse(String pid, String[] kindValues, long holdMillis, long graceMillis, String[] pidValues) {
        Set<StageKind> kinds = EnumSet.noneOf(StageKind.class);
        for (String kind : items(kindValues)) {
            if (kind.equals("*")) {
                kinds.addAll(EnumSet.allOf(StageKind.class));
            } else {
                kinds.add(StageKind.fromId(kind).orElseThrow(() -> new InvalidConfigurationException(pid,
                        ManagerConfig.KEY_HOLD_KINDS, kind, "unknown stage kind: expected * or one of "
                                + Arrays.toString(StageKind.values()))));
            }
        }
        Map<String, StageKind> pids = new LinkedHashMap<>();
        for (String rule : items(pidValues)) {
            int eq = rule.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigurationException(pid, ManagerConfig.KEY_STAGE_PIDS, rule,
                        "expected <factoryPid>=<kind>, e.g. dwcp.circuitbreaker=circuit-breaker");
            }
            String kind = rule.substring(eq + 1).trim();
            pids.put(rule.substring(0, eq).trim(), StageKind.fromId(kind).orElseThrow(
                    () -> new InvalidConfigurationException(pid, ManagerConfig.KEY_STAGE_PIDS, rule,
                            "unknown stage kind '" + kind + "': expected one of " + Arrays.toString(StageKind.values()))));
        }
        return new HoldSettings(kinds, TimeUnit.MILLISECONDS.toNanos(holdMillis),
                TimeUnit.MILLISECONDS.toNanos(graceMillis), pids);
    }

    /** A .cfg file carries a list as one comma-separated string; an array may hold several. */
    private static Iterable<String> items(String[] values) {
        java.util.List<String> items = new java.util.ArrayList<>();
        for (String value : values == null ? new String[0] : values) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
        }
        return items;
    }

    @Override
    public String toString() {
        return "hold " + kinds + " for " + TimeUnit.NANOSECONDS.toMillis(holdNanos) + " ms, start-up grace "
                + TimeUnit.NANOSECONDS.toMillis(graceNanos) + " ms";
    }
}
