package io.dwcp.resilience.api.view;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation at one moment.
 *
 * @param operation the operation
 * @param chain     the chain a call would run through now (stages in order, missing kinds, policy)
 * @param stages    the stages of {@code chain.stages()} (built-in kinds), in the same order, with their
 *                  provider and figures
 * @param metrics   the manager's counters and latency percentiles for the operation
 * @param figures   every metrics snapshot published for this operation (stages, budgets, ...)
 * @param allStages the stages of {@code chain.allStages()}: every stage a call walks, including kinds
 *                  beyond the built-in seven, outermost first (since 1.1)
 */
public record OperationView(String operation, ChainView chain, List<StageView> stages, OperationMetrics metrics,
        List<MetricsSnapshot> figures, List<StageView> allStages) {
    /** Copies the lists. */
    public OperationView {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(metrics, "metrics");
        stages = List.copyOf(stages);
        figures = List.copyOf(figures);
        allStages = List.copyOf(allStages);
    }

    /** A view of built-in kinds only (as in 1.0). */
    public OperationView(String operation, ChainView chain, List<StageView> stages, OperationMetrics metrics,
            List<MetricsSnapshot> figures) {
        this(operation, chain, stages, metrics, figures, stages);
    }

    /**
     * @param source a metrics source, e.g. {@code slo}, or a stage kind id such as {@code rate-limit},
     *               which also matches the strategy-qualified sources ({@code rate-limit.adaptive})
     * @return the first snapshot of that source for this operation
     */
    public Optional<MetricsSnapshot> figures(String source) {
        for (MetricsSnapshot s : figures) {
            if (StageView.sourceMatches(s.source(), source)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
