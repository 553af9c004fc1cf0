package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.LoadShedException;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.Locale;

/**
 * Decides whether to shed a call. The pass path takes no lock and allocates nothing: at NORMAL one
 * compare; otherwise a map lookup, an array read and a thread-local random number.
 */
final class LoadShedder {

    private final ShedTable table;
    private final UniformRandom random;

    LoadShedder(ShedTable table, UniformRandom random) {
        this.table = table;
        this.random = random;
    }

    ShedTable table() {
        return table;
    }

    /**
     * @param operation the call's operation
     * @param level     the overall degradation level now
     * @throws LoadShedException naming the level, the operation and the odds, when the call is shed
     */
    void admit(String operation, DegradationLevel level) {
        if (level == DegradationLevel.NORMAL) {
            return;
        }
        double p = table.probability(operation, level);
        if (p > 0 && (p >= 1 || random.next() < p)) {
            // The text is built only if someone reads it: a shedder refuses calls at their arrival rate.
            ShedTable t = table;
            throw new LoadShedException(operation, level.name(), () -> String.format(Locale.ROOT,
                    "%s%% of calls at priority %d of %d are shed", percent(p), t.rank(operation), t.priorities().size()));
        }
    }

    private static String percent(double p) {
        double value = p * 100;
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
