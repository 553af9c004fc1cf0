package io.dwcp.resilience.api.slo;

import java.time.Duration;
import java.util.Objects;

/**
 * A multi-window burn-rate alert (Google SRE workbook, "Alerting on SLOs") that fired or cleared.
 * The burn rate of a window is its bad-event ratio divided by the ratio the objective allows; the
 * alert fires when both its long and its short window burn at least {@code factor} times as fast,
 * and clears when either drops below.
 *
 * @param operation       the operation, or {@code *}
 * @param kind            the budget it watches
 * @param name            the alert's name, e.g. {@code 14.4x-1h}
 * @param factor          the burn-rate threshold
 * @param longWindow      the long window
 * @param shortWindow     the short window
 * @param longBurnRate    the long window's burn rate when evaluated
 * @param shortBurnRate   the short window's burn rate when evaluated
 * @param firing          {@code true} when it fired, {@code false} when it cleared
 * @param timestampMillis when (wall clock)
 */
public record BurnRateAlert(String operation, BudgetKind kind, String name, double factor, Duration longWindow,
        Duration shortWindow, double longBurnRate, double shortBurnRate, boolean firing, long timestampMillis) {

    /** Checks the names. */
    public BurnRateAlert {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(longWindow, "longWindow");
        Objects.requireNonNull(shortWindow, "shortWindow");
    }
}
