package io.dwcp.resilience.api.slo;

/**
 * Properties that the SLO events carry besides {@code operation}, {@code reason} and
 * {@code timestamp} of {@link io.dwcp.resilience.api.event.ResilienceEvents}.
 *
 * <p>{@code BUDGET_EXHAUSTED} and {@code BUDGET_RECOVERED} carry {@link #BUDGET} (also as {@code name}, so that
 * consumers keying budgets by operation and name tell the two budgets apart), {@link #OBJECTIVE},
 * {@link #TOTAL}, {@link #BAD}, {@link #ALLOWED} and {@link #REMAINING}. {@code BURN_RATE_ALERT}
 * carries {@link #BUDGET}, {@code name} (the alert), {@code from} and {@code to}
 * ({@link #CLEAR} or {@link #FIRING}), {@link #FACTOR}, {@link #LONG_WINDOW}, {@link #SHORT_WINDOW},
 * {@link #LONG_BURN_RATE} and {@link #SHORT_BURN_RATE}.
 */
public final class SloEvents {

    /** Property: the budget kind, {@link BudgetKind#id()}. */
    public static final String BUDGET = "budget";
    /** Property: the objective as a ratio (Double). */
    public static final String OBJECTIVE = "objective";
    /** Property: events in the window (Long). */
    public static final String TOTAL = "total";
    /** Property: bad events in the window (Long). */
    public static final String BAD = "bad";
    /** Property: bad events allowed (Long). */
    public static final String ALLOWED = "allowed";
    /** Property: remaining share of the budget (Double). */
    public static final String REMAINING = "remaining";
    /** Property: the alert's burn-rate threshold (Double). */
    public static final String FACTOR = "factor";
    /** Property: the alert's long window in seconds (Long). */
    public static final String LONG_WINDOW = "longWindowSeconds";
    /** Property: the alert's short window in seconds (Long). */
    public static final String SHORT_WINDOW = "shortWindowSeconds";
    /** Property: burn rate of the long window (Double). */
    public static final String LONG_BURN_RATE = "longBurnRate";
    /** Property: burn rate of the short window (Double). */
    public static final String SHORT_BURN_RATE = "shortBurnRate";
    /** Value of {@code from}/{@code to}: the alert is firing. */
    public static final String FIRING = "FIRING";
    /** Value of {@code from}/{@code to}: the alert is not firing. */
    public static final String CLEAR = "CLEAR";

    private SloEvents() {
    }
}
