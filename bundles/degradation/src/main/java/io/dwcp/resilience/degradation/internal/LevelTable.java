package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;

/**
 * The automatic level table: a signal above {@code degraded}× its threshold is DEGRADED, above
 * {@code severe}× SEVERELY_DEGRADED, above {@code emergency}× EMERGENCY. Specified: 1×, 1.5×, 2×.
 *
 * @param degraded  the factor for DEGRADED
 * @param severe    the factor for SEVERELY_DEGRADED
 * @param emergency the factor for EMERGENCY
 */
record LevelTable(double degraded, double severe, double emergency) {

    /** The specified table. */
    static final LevelTable SPECIFIED = new LevelTable(1.0, 1.5, 2.0);

    /**
     * @param ratio the signal over its threshold
     * @return the level the table gives; NORMAL for NaN
     */
    DegradationLevel levelFor(double ratio) {
        if (ratio > emergency) {
            return DegradationLevel.EMERGENCY;
        }
        if (ratio > severe) {
            return DegradationLevel.SEVERELY_DEGRADED;
        }
        if (ratio > degraded) {
            return DegradationLevel.DEGRADED;
        }
        return DegradationLevel.NORMAL;
    }

    /**
     * @param level DEGRADED, SEVERELY_DEGRADED or EMERGENCY
     * @return the factor above which that level starts
     */
    double factor(DegradationLevel level) {
        switch (level) {
            case DEGRADED:
                return degraded;
            case SEVERELY_DEGRADED:
                return severe;
            case EMERGENCY:
                return emergency;
            default:
                return 0;
        }
    }
}
