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

    static final String DEFAULT_POSITION = "after:retry";

    /** Reads and checks every key; a bad value is refused naming the PID, key, value and reason. */
    static HedgeSettings read(ConfigReader config) {
        String operation = config.operation();
        if (!config.booleanValue("idempotent", false)) {
            throw config.refuse("idempotent", config.string("idempotent", null),
                    "a hedge runs a call twice: set idempotent=true to state that " + operation
                            + " is safe to repeat (a DWCP send is, by its message id; consensus is not)");
        }
        double percentile = config.doubleValue("percentile", 95.0, 50.0, 99.99);
        long windowMs = config.longValue("window.ms", 10_000, 100, TimeUnit.HOURS.toMillis(1));
        int minSamples = config.intValue("min.samples", 50, 1, 1_000_000);
        long minMs = config.longValue("min.delay.ms", 1, 0, TimeUnit.MINUTES.toMillis(10));
        long maxMs = config.longValue("max.delay.ms", 5_000, 1, TimeUnit.MINUTES.toMillis(10));
        if (maxMs < minMs) {
            throw config.refuse("max.delay.ms", maxMs, "must not be below min.delay.ms (" + minMs + ")");
        }
        long initialMs = config.longValue("initial.delay.ms", Math.max(minMs, Math.min(50, maxMs)), minMs, maxMs);
        double budgetPercent = config.doubleValue("budget.percent", 5.0, 0.0, 100.0);
        int burst = config.intValue("budget.burst", 10, 1, 100_000);
        int threads = config.intValue("max.threads", 32, 1, 1_024);
        String positionText = config.string(Stage.POSITION, DEFAULT_POSITION);
        StagePosition position;
        try {
            position = StagePosition.parse(positionText);
        } catch (IllegalArgumentException e) {
            throw config.refuse(Stage.POSITION, positionText, e.getMessage());
        }
        return new HedgeSettings(operation, percentile, TimeUnit.MILLISECONDS.toNanos(windowMs), minSamples,
                TimeUnit.MILLISECONDS.toNanos(initialMs), TimeUnit.MILLISECONDS.toNanos(minMs),
                TimeUnit.MILLISECONDS.toNanos(maxMs), budgetPercent, burst, threads, position);
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
