package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.BurnRateAlert;
import java.util.List;

/**
 * What one evaluation found: the figures, and what changed since the previous one.
 *
 * @param figures   the figures
 * @param exhausted budgets that have just run out
 * @param recovered budgets that have just got room again
 * @param alerts    alerts that have just fired or cleared
 */
record Evaluation(SloFigures figures, List<BudgetStatus> exhausted, List<BudgetStatus> recovered, List<BurnRateAlert> alerts) {

    /** Copies the lists. */
    Evaluation {
        exhausted = List.copyOf(exhausted);
        recovered = List.copyOf(recovered);
        alerts = List.copyOf(alerts);
    }

    /** @return whether anything changed state (worth saving at once) */
    boolean changed() {
        return !exhausted.isEmpty() || !recovered.isEmpty() || !alerts.isEmpty();
    }
}
