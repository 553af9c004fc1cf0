package io.dwcp.resilience.retry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Against a model that remembers the time of every call and every granted retry: the budget grants
 * a retry exactly when the model's window has room for it, so it is never exceeded and never
 * stingier than configured.
 */
class RetryBudgetProperties {

    /** An action: advance the clock by {@code advance} ns, then record a call (true) or ask for a retry. */
    record Step(long advance, boolean call) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> advance = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(1, 2_000_000_000L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(2_000_000_000L, 30_000_000_000L)));
        return net.jqwik.api.Combinators.combine(advance, Arbitraries.of(true, false))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(400);
    }

    @Property
    void theBudgetIsNeverExceededAndGrantsWhatTheWindowAllows(@ForAll("steps") List<Step> steps,
            @ForAll @DoubleRange(min = 0, max = 2) double ratio,
            @ForAll @DoubleRange(min = 0, max = 5) double minPerSecond,
            @ForAll @LongRange(min = 1_000_000_000L, max = 60_000_000_000L) long window,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long start) {
        RetryBudget budget = new RetryBudget(ratio, minPerSecond, window);
        long bucket = window / RetryBudget.BUCKETS;
        List<Long> calls = new ArrayList<>();
        List<Long> retries = new ArrayList<>();
        long now = start;
        for (Step step : steps) {
            now += step.advance();
            if (step.call()) {
                budget.recordCall(now);
                calls.add(now);
                continue;
            }
            long inWindowCalls = countInWindow(calls, now, bucket);
            long inWindowRetries = countInWindow(retries, now, bucket);
            long allowed = (long) Math.floor(ratio * inWindowCalls + minPerSecond * (bucket * RetryBudget.BUCKETS / 1e9));
            boolean granted = budget.tryAcquireRetry(now);
            assertEquals(inWindowRetries + 1 <= allowed, granted,
                    "at " + now + ": " + inWindowRetries + " retries, " + inWindowCalls + " calls, allowance " + allowed);
            if (granted) {
                retries.add(now);
                assertTrue(countInWindow(retries, now, bucket) <= allowed);
            }
            assertEquals(inWindowCalls, budget.callsInWindow(now));
            assertEquals(countInWindow(retries, now, bucket), budget.retriesInWindow(now));
        }
    }

    /** Events whose bucket is one of the {@value RetryBudget#BUCKETS} most recent bucket periods at {@code now}. */
    private static long countInWindow(List<Long> times, long now, long bucket) {
        long current = Math.floorDiv(now, bucket);
        return times.stream().filter(t -> current - Math.floorDiv(t, bucket) < RetryBudget.BUCKETS).count();
    }

    /**
     * Calls counted on any of the striped rows (each thread has its own) sum to what one row
     * counting every call in order holds, at every step, and grant the same retries.
     */
    @Property
    void stripedRowsSumToTheSequentialCount(@ForAll("steps") List<Step> steps,
            @ForAll @Size(min = 1, max = 400) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 1_000) Integer> rows,
            @ForAll @LongRange(min = 1_000_000_000L, max = 60_000_000_000L) long window,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long start) {
        RetryBudget striped = new RetryBudget(0.2, 1, window);
        RetryBudget sequential = new RetryBudget(0.2, 1, window);
        long now = start;
        int i = 0;
        for (Step step : steps) {
            now += step.advance();
            if (step.call()) {
                striped.recordCallOn(rows.get(i++ % rows.size()) % RetryBudget.STRIPES, now);
                sequential.recordCallOn(0, now);
            } else {
                assertEquals(sequential.tryAcquireRetry(now), striped.tryAcquireRetry(now), "retry granted at " + now);
            }
            assertEquals(sequential.callsInWindow(now), striped.callsInWindow(now), "calls in the window at " + now);
        }
    }
}
