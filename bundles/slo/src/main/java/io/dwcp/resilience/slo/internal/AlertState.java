package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetKind;

/**
 * One burn-rate alert of one budget as last evaluated.
 *
 * @param kind          the budget it watches
 * @param rule          the alert
 * @param longBurnRate  burn rate over the long window
 * @param shortBurnRate burn rate over the short window
 * @param shortEvents   the budget's events in the short window
 * @param firing        whether it fires
 */
record AlertState(BudgetKind kind, BurnRateRule rule, double longBurnRate, double shortBurnRate, long shortEvents,
        boolean firing) {

    /** @return the key that tells this alert apart from the budget's others */
    String key() {
        return key(kind, rule.name());
    }

    static String key(BudgetKind kind, String name) {
        return kind.id() + "/" + name;
    }
}
