package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StagePosition;
import io.dwcp.resilience.kit.ConfigReader;
import java.util.concurrent.TimeUnit;

/**
 * The hedge stage's validated configuration: immutable, equal when the values are.
 *
 * @param operation         the operation protected, or {@code *}
 * @param percentile        the latency percentile that sets the delay (95: "The Tail at Scale")
 * @param windowNanos       how long each latency window lasts
 * @param minSamples        fewer successful attempts than this in a window leave the delay as it was
 * @param initialDelayNanos the delay until a window with enough samples has completed
 * @param minDelayNanos     the shortest delay
 * @param maxDelayNanos     the longest delay
 * @param budgetPercent     hedges allowed per 100 calls, in the long run
 * @param budgetBurst       hedges allowed at once before the percentage applies
 * @param maxThreads        threads running attempts; past them a call runs without a hedge
 * @param position          the slot
 */
record HedgeSettings(String operation, double percentile, long windowNanos, int minSamples, long initialDelayNanos,
        long minDelayNanos, long maxDelayNanos, double budgetPercent, int budgetBurst, int maxThreads,
        StagePosition position) implements io.dwcp.resilience.kit.ConfiguredComponent.Scoped {

    /**
     * Reads {@link HedgeConfig} (defaults and bounds checked by the kit against the generated Metatype)
     * and checks the rules across keys; refuses naming the PID, key, value and reason.
     */
    static HedgeSettings read(ConfigReader config) {
        HedgeConfig c = config.typed(HedgeConfig.class);
        if (!c.idempotent()) {
            throw config.refuse("idempotent", false, "a hedge runs a call twice: set"
                    + " idempotent=true to state that " + c.dwcp_operation()
                    + " is safe to repeat (a DWCP send is, by its message id; consensus is not)");
        }
        long minMs = c.min_delay_ms();
        long maxMs = c.max_delay_ms();
        if (maxMs < minMs) {
            throw config.refuse("max.delay.ms", maxMs, "must not be below min.delay.ms (" + minMs + ")");
        }
        long initialMs = c.initial_delay_ms();
        if (!config.has("initial.delay.ms")) {
            initialMs = Math.max(minMs, Math.min(initialMs, maxMs));
        } else if (initialMs < minMs || initialMs > maxMs) {
            throw config.refuse("initial.delay.ms", initialMs, "must be between " + minMs + " and " + maxMs);
        }
        StagePosition position;
        try {
            position = StagePosition.parse(c.dwcp_stage_position());
        } catch (IllegalArgumentException e) {
            throw config.refuse(Stage.POSITION, c.dwcp_stage_position(), e.getMessage());
        }
        return new HedgeSettings(c.dwcp_operation(), c.percentile(), TimeUnit.MILLISECONDS.toNanos(c.window_ms()),
                c.min_samples(), TimeUnit.MILLISECONDS.toNanos(initialMs), TimeUnit.MILLISECONDS.toNanos(minMs),
                TimeUnit.MILLISECONDS.toNanos(maxMs), c.budget_percent(), c.budget_burst(), c.max_threads(), position);
    }

    /** @return whether the latency windows and budgets of {@code other} can go on under these settings */
    boolean sameLearningAs(HedgeSettings other) {
        return operation.equals(other.operation) && percentile == other.percentile && windowNanos == other.windowNanos
                && minSamples == other.minSamples && budgetPercent == other.budgetPercent
                && budgetBurst == other.budgetBurst;
    }

    @Override
    public String toString() {
        return "operation " + operation + ", delay P" + percentile + " of " + TimeUnit.NANOSECONDS.toMillis(windowNanos)
                + " ms windows (at least " + minSamples + " samples) within [" + TimeUnit.NANOSECONDS.toMillis(minDelayNanos)
                + ", " + TimeUnit.NANOSECONDS.toMillis(maxDelayNanos) + "] ms, " + TimeUnit.NANOSECONDS.toMillis(initialDelayNanos)
                + " ms at first, budget " + budgetPercent + " % of calls (burst " + budgetBurst + "), " + maxThreads
                + " threads, slot " + position;
    }
}
