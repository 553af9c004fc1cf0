package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.slo.BudgetStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything known about one operation's budgets at one moment.
 *
 * @param operation             the operation, or {@code *}
 * @param window                the rolling window
 * @param error                 the error budget over the window
 * @param latency               the latency budget over the window, or {@code null} when it is off
 * @param latencyThresholdNanos the latency objective's bound (0 when off)
 * @param latencyWindow         latency percentiles of successful calls over the window (HdrHistogram)
 * @param downtimeNanos         time in the window during which the operation missed its objective,
 *                              counted in whole fine buckets
 * @param alerts                burn-rate alerts
 * @param timestampMillis       when (wall clock)
 */
record SloFigures(String operation, Duration window, BudgetStatus error, BudgetStatus latency, long latencyThresholdNanos,
        LatencySnapshot latencyWindow, long downtimeNanos, List<AlertState> alerts, long timestampMillis) {

    /** Copies the alerts. */
    SloFigures {
        alerts = List.copyOf(alerts);
    }

    /** Source name of the metrics snapshots. */
    static final String METRICS_SOURCE = "slo";

    /** @return the success ratio over the window, in percent */
    double availabilityPercent() {
        return error.goodRatio() * 100.0;
    }

    /** @return the figures as a metrics snapshot, names in lowerCamelCase */
    MetricsSnapshot toMetrics() {
        Map<String, Number> v = new LinkedHashMap<>();
        v.put("windowSeconds", window.toSeconds());
        v.put("objective", error.objective());
        v.put("total", error.total());
        v.put("failed", error.bad());
        v.put("successRate", error.goodRatio());
        v.put("availabilityPercent", availabilityPercent());
        v.put("allowedFailures", error.allowedBad());
        v.put("remainingFailures", error.allowedBad() - error.bad());
        v.put("remainingBudget", error.remainingBudget());
        v.put("exhausted", error.exhausted() ? 1 : 0);
        v.put("downtimeSeconds", downtimeNanos / 1e9);
        if (latency != null) {
            v.put("latencyObjective", latency.objective());
            v.put("latencyThresholdMillis", latencyThresholdNanos / 1e6);
            v.put("latencyTotal", latency.total());
            v.put("latencySlow", latency.bad());
            v.put("latencyCompliance", latency.goodRatio());
            v.put("latencyAllowedSlow", latency.allowedBad());
            v.put("latencyRemainingBudget", latency.remainingBudget());
            v.put("latencyExhausted", latency.exhausted() ? 1 : 0);
            v.put("latencyP50Millis", latencyWindow.p50Nanos() / 1e6);
            v.put("latencyP95Millis", latencyWindow.p95Nanos() / 1e6);
            v.put("latencyP99Millis", latencyWindow.p99Nanos() / 1e6);
            v.put("latencyMaxMillis", latencyWindow.maxNanos() / 1e6);
        }
        Map<String, Number> burnRates = new TreeMap<>();
        for (AlertState a : alerts) {
            String prefix = "burnRate_" + a.kind().id() + "_";
            burnRates.put(prefix + Durations.format(a.rule().longWindow()), a.longBurnRate());
            burnRates.put(prefix + Durations.format(a.rule().shortWindow()), a.shortBurnRate());
        }
        v.putAll(burnRates);
        for (AlertState a : alerts) {
            v.put("alertFiring_" + a.kind().id() + "_" + a.rule().name().replaceAll("[^A-Za-z0-9]", "_"), a.firing() ? 1 : 0);
        }
        return new MetricsSnapshot(METRICS_SOURCE, operation, v, timestampMillis);
    }
}
