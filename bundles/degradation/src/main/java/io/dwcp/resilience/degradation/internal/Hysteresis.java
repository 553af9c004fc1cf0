package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;

/**
 * Keeps a level from flapping: it follows a worse signal at once, and leaves a level only after the
 * signal has stayed below it for the hold time. It then steps to the worst level the signal showed
 * during that hold (not straight to the latest), and the next step down needs a hold of its own;
 * so EMERGENCY recovers through the levels the signal actually passed.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class Hysteresis {

    private DegradationLevel level = DegradationLevel.NORMAL;
    private boolean below;
    private long belowSinceNanos;
    private DegradationLevel worstWhileBelow;

    /** @return the current level */
    DegradationLevel level() {
        return level;
    }

    /**
     * @return since when (nanos) the signal has been below the level, or {@link Long#MIN_VALUE} when it is not
     */
    long belowSinceNanos() {
        return below ? belowSinceNanos : Long.MIN_VALUE;
    }

    /**
     * @param signal    the level the signal gives now
     * @param nowNanos  the time now
     * @param holdNanos how long the signal must stay below before the level drops
     * @return the level after this observation
     */
    DegradationLevel observe(DegradationLevel signal, long nowNanos, long holdNanos) {
        if (signal.compareTo(level) >= 0) {
            level = signal;
            below = false;
            return level;
        }
        if (!below) {
            below = true;
            belowSinceNanos = nowNanos;
            worstWhileBelow = signal;
        } else {
            worstWhileBelow = DegradationLevel.worst(worstWhileBelow, signal);
        }
        if (nowNanos - belowSinceNanos >= holdNanos) {
            level = worstWhileBelow;
            if (signal.compareTo(level) < 0) {
                belowSinceNanos = nowNanos;
                worstWhileBelow = signal;
            } else {
                below = false;
            }
        }
        return level;
    }
}
