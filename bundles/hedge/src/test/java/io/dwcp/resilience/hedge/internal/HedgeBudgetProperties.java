package io.dwcp.resilience.hedge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The hedge budget: whatever the mix of calls and hedge requests, the extra load stays within its share. */
class HedgeBudgetProperties {

    @Property(tries = 500)
    void hedgesNeverExceedTheBurstPlusTheShareOfCalls(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 5) Integer> callsBetween,
            @ForAll @DoubleRange(min = 0, max = 100) double percent, @ForAll @IntRange(min = 1, max = 20) int burst) {
        HedgeBudget budget = new HedgeBudget(percent, burst);
        long calls = 0;
        long granted = 0;
        for (int between : callsBetween) {
            calls += between;
            if (budget.tryAcquire(calls)) {
                granted++;
            }
            assertTrue(granted <= burst + calls * percent / 100.0 + 1e-9,
                    granted + " hedges after " + calls + " calls at " + percent + " % with burst " + burst);
        }
    }

    @Property(tries = 200)
    void withAHedgeWantedOnEveryCallTheLongRunShareIsThePercentage(@ForAll @IntRange(min = 1, max = 50) int percent) {
        HedgeBudget budget = new HedgeBudget(percent, 1);
        int calls = 10_000;
        int granted = 0;
        for (int c = 1; c <= calls; c++) {
            if (budget.tryAcquire(c)) {
                granted++;
            }
        }
        // One token at start, then one each ceil(100 / percent) calls (a full bucket drops the remainder),
        // never more than the share.
        int atLeast = 1 + (calls - 1) / (int) Math.ceil(100.0 / percent);
        assertTrue(granted >= atLeast && granted <= 1 + calls * percent / 100, granted + " vs at least " + atLeast);
    }

    @Property(tries = 50)
    void aZeroPercentBudgetGivesTheBurstAndNoMore(@ForAll @IntRange(min = 1, max = 20) int burst) {
        HedgeBudget budget = new HedgeBudget(0, burst);
        int granted = 0;
        for (int c = 1; c <= 1000; c++) {
            granted += budget.tryAcquire(c) ? 1 : 0;
        }
        assertEquals(burst, granted);
    }
}
