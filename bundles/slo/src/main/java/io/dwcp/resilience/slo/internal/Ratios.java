package io.dwcp.resilience.slo.internal;

/**
 * Budget arithmetic in parts per million, so that "exactly at the objective" is exact: 1 failure in
 * 1000 calls spends a 99.9% budget exactly, with no rounding error either way.
 */
final class Ratios {

    /** Parts per million in one. */
    static final long PPM = 1_000_000L;

    private Ratios() {
    }

    /**
     * @param ratio an objective such as 0.999
     * @return the share it leaves for bad events, in ppm (1000 for 0.999)
     */
    static long budgetPpm(double ratio) {
        return PPM - Math.round(ratio * PPM);
    }

    /** @return {@code floor(total * budgetPpm / 1e6)} without overflow */
    static long allowed(long total, long budgetPpm) {
        return (total / PPM) * budgetPpm + (total % PPM) * budgetPpm / PPM;
    }

    /** @return whether {@code bad / total >= budgetPpm / 1e6}, exactly when it can be */
    static boolean atOrOver(long bad, long total, long budgetPpm) {
        try {
            return Math.multiplyExact(bad, PPM) >= Math.multiplyExact(total, budgetPpm);
        } catch (ArithmeticException overflow) {
            return (double) bad * PPM >= (double) total * budgetPpm;
        }
    }

    /** @return whether {@code bad / total > budgetPpm / 1e6} */
    static boolean over(long bad, long total, long budgetPpm) {
        try {
            return Math.multiplyExact(bad, PPM) > Math.multiplyExact(total, budgetPpm);
        } catch (ArithmeticException overflow) {
            return (double) bad * PPM > (double) total * budgetPpm;
        }
    }

    /** @return how many times faster than allowed the budget is spent; 0 for no events */
    static double burnRate(long bad, long total, long budgetPpm) {
        return total == 0 ? 0.0 : ((double) bad * PPM) / ((double) total * budgetPpm);
    }

    /** @return the unspent share of the budget: 1 untouched, 0 spent, negative overspent */
    static double remaining(long bad, long total, long budgetPpm) {
        return total == 0 ? 1.0 : 1.0 - burnRate(bad, total, budgetPpm);
    }
}
