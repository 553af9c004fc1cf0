package io.dwcp.resilience.api.slo;

import java.util.Objects;

/**
 * One budget of one operation over its rolling window, at one moment.
 *
 * @param operation       the operation, or {@code *} for the budget of all operations together
 * @param kind            error budget or latency budget
 * @param objective       the target ratio of good events, e.g. {@code 0.999}
 * @param total           events in the window (calls; for a latency budget, successful calls)
 * @param bad             bad events in the window (failed calls; for a latency budget, slow calls)
 * @param allowedBad      bad events the objective allows for {@code total}: {@code floor((1 - objective) * total)}
 * @param remainingBudget the share of the budget still unspent: 1 untouched, 0 spent, negative overspent
 * @param exhausted       whether the budget is spent (bad events reached the allowance)
 * @param timestampMillis when it was computed (wall clock)
 */
public record BudgetStatus(String operation, BudgetKind kind, double objective, long total, long bad, long allowedBad,
        double remainingBudget, boolean exhausted, long timestampMillis) {

    /** Checks the names. */
    public BudgetStatus {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(kind, "kind");
    }

    /** @return good events over all events, 1.0 when there were none */
    public double goodRatio() {
        return total == 0 ? 1.0 : (double) (total - bad) / total;
    }
}
