package io.dwcp.resilience.api.degradation;

import java.util.Locale;

/** How far the layer has stepped down to protect itself, from best to worst (declaration order). */
public enum DegradationLevel {
    /** Everything on. */
    NORMAL,
    /** Optional work off, the least important traffic partly shed. */
    DEGRADED,
    /** Only important work; more traffic shed. */
    SEVERELY_DEGRADED,
    /** Survival: only what keeps the cluster consistent. */
    EMERGENCY;

    private static final DegradationLevel[] VALUES = values();

    /**
     * @param other another level
     * @return whether this level is worse (further from {@link #NORMAL}) than {@code other}
     */
    public boolean isWorseThan(DegradationLevel other) {
        return compareTo(other) > 0;
    }

    /**
     * @param a a level
     * @param b another level
     * @return the worse of the two
     */
    public static DegradationLevel worst(DegradationLevel a, DegradationLevel b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * @param ordinal a level's ordinal
     * @return the level with that ordinal
     * @throws IllegalArgumentException outside 0..3
     */
    public static DegradationLevel ofOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalArgumentException("no degradation level with ordinal " + ordinal);
        }
        return VALUES[ordinal];
    }

    /**
     * @param value a level name, any case, '-' or '_' or '.' between words (e.g. {@code severely-degraded})
     * @return the level
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static DegradationLevel parse(String value) {
        if (value != null) {
            String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            for (DegradationLevel level : VALUES) {
                if (level.name().equals(name)) {
                    return level;
                }
            }
        }
        throw new IllegalArgumentException("unknown degradation level '" + value
                + "': expected NORMAL, DEGRADED, SEVERELY_DEGRADED or EMERGENCY");
    }
}
