package io.dwcp.resilience.api.slo;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Learns when a budget runs out, when it has room again and when a burn-rate alert fires or
 * clears (whiteboard: register it as a service). The degradation manager is one such listener.
 *
 * <p>Called on the SLO bundle's own evaluation thread, never on a call path; a listener that
 * throws is logged and does not stop the others.
 */
@ConsumerType
public interface BudgetListener {

    /** @param status the budget that has just been spent */
    void budgetExhausted(BudgetStatus status);

    /** @param status the previously exhausted budget that has room again */
    void budgetRecovered(BudgetStatus status);

    /** @param alert the alert that fired or cleared */
    default void burnRateAlert(BurnRateAlert alert) {
    }
}
