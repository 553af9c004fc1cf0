package io.dwcp.resilience.api.transport;

import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.slo.BudgetStatus;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every resilience figure of the node at one moment: what {@link DWCPManager#resilienceMetrics()} gathers
 * from the manager, the stages, health, chaos, degradation and SLO bundles present. A part whose bundle
 * is absent is empty.
 *
 * @param operations        per operation: calls, failures, rejections, latency percentiles
 * @param stages            every {@link io.dwcp.resilience.api.metrics.MetricsSource}'s snapshots (stages, SLO, chaos…)
 * @param health            the overall health status ({@code UNKNOWN} without a health monitor)
 * @param healthChecks      every health check's report
 * @param degradationLevel  the overall degradation level ({@code NORMAL} without a degradation manager)
 * @param degradation       every component's level
 * @param errorBudgets      each operation's error budget
 * @param chaos             the chaos engine's status, {@code null} when none is installed
 * @param timestampMillis   when taken (wall clock)
 */
public record ResilienceMetrics(Map<String, OperationMetrics> operations, List<MetricsSnapshot> stages, HealthStatus health,
        List<HealthCheckReport> healthChecks, DegradationLevel degradationLevel, List<ComponentLevel> degradation,
        List<BudgetStatus> errorBudgets, ChaosStatus chaos, long timestampMillis) {

    /** Copies the collections. */
    public ResilienceMetrics {
        operations = Collections.unmodifiableMap(new TreeMap<>(operations));
        stages = List.copyOf(stages);
        healthChecks = List.copyOf(healthChecks);
        degradation = List.copyOf(degradation);
        errorBudgets = List.copyOf(errorBudgets);
    }

    /** @return the chaos status, empty when no chaos engine is installed */
    public Optional<ChaosStatus> chaosStatus() {
        return Optional.ofNullable(chaos);
    }
}
