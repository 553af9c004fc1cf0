package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which named features stay on at each level: every feature has the worst level at which it is still
 * on (a feature off at one level is off at every worse one). A feature nobody configured is on only
 * at the default level and better: code that asks about an unknown feature sheds its optional work as
 * soon as the layer degrades, rather than never.
 */
final class FeatureFlags {

    private final Map<String, DegradationLevel> lastLevel;
    private final DegradationLevel defaultLastLevel;
    private final Map<DegradationLevel, Set<String>> enabledAt = new EnumMap<>(DegradationLevel.class);

    /**
     * @param lastLevel        feature name to the worst level at which it stays on
     * @param defaultLastLevel the same for features not listed
     */
    FeatureFlags(Map<String, DegradationLevel> lastLevel, DegradationLevel defaultLastLevel) {
        this.lastLevel = Collections.unmodifiableMap(new LinkedHashMap<>(lastLevel));
        this.defaultLastLevel = defaultLastLevel;
        for (DegradationLevel level : DegradationLevel.values()) {
            Set<String> on = new TreeSet<>();
            this.lastLevel.forEach((feature, last) -> {
                if (level.compareTo(last) <= 0) {
                    on.add(feature);
                }
            });
            enabledAt.put(level, Collections.unmodifiableSet(on));
        }
    }

    /**
     * @param feature a feature name
     * @param level   the current level
     * @return whether it is on at that level; no allocation
     */
    boolean enabled(String feature, DegradationLevel level) {
        DegradationLevel last = lastLevel.get(feature);
        return level.compareTo(last == null ? defaultLastLevel : last) <= 0;
    }

    /**
     * @param level a level
     * @return the configured features on at that level, sorted
     */
    Set<String> enabledAt(DegradationLevel level) {
        return enabledAt.get(level);
    }

    /** @return every configured feature with its last level */
    Map<String, DegradationLevel> features() {
        return lastLevel;
    }
}
