package io.dwcp.resilience.slo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.slo.BudgetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The rings against a naive model that keeps every call: whatever the traffic and however time
 * moves, the window holds exactly the calls whose bucket is still in it, the fine windows at fine
 * resolution and the whole window at coarse resolution once folded.
 */
class OperationBudgetProperties {

    private static final long MINUTE = 60_000_000_000L;

    /** A step: so many seconds pass, then so many calls of which so many fail. */
    record Step(long seconds, int calls, int failures) {
    }

    @Provide
    Arbitrary<List<Step>> traffic() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 120)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 3600)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(3600, 30_000))),
                Arbitraries.integers().between(0, 20),
                Arbitraries.integers().between(0, 20)).as((s, c, f) -> new Step(s, c, Math.min(c, f)));
        return step.list().ofMinSize(1).ofMaxSize(120);
    }

    @Property(tries = 60)
    void windowsHoldExactlyTheCallsOfTheirBuckets(@ForAll("traffic") List<Step> steps) {
        ManualTimeSource clock = new ManualTimeSource();
        // Window 6h at 5m resolution; fine ring of 1m buckets spans 2h; alert windows 30m (fine) and 3h (coarse).
        OperationBudget b = new OperationBudget(Slo.settings(Map.of("dwcp.operation", "send", "window", "6h",
                "bucket.coarse", "5m", "alerts", "2:3h:30m", "latency.threshold", "0")), clock, () -> { });
        List<long[]> model = new ArrayList<>(); // {minute epoch, bad}
        for (Step s : steps) {
            // The evaluator runs at least every fine bucket; a long pause is a series of evaluations.
            long left = s.seconds();
            while (left > 0) {
                long d = Math.min(left, 60);
                clock.advanceNanos(d * 1_000_000_000L);
                b.evaluate();
                left -= d;
            }
            for (int i = 0; i < s.calls(); i++) {
                boolean bad = i < s.failures();
                b.record(clock.nanoTime(), bad ? CallOutcome.FAILURE : CallOutcome.SUCCESS, 1000);
                model.add(new long[] {Math.floorDiv(clock.currentTimeMillis() * 1_000_000L, MINUTE), bad ? 1 : 0});
            }
            long nowMinute = Math.floorDiv(clock.currentTimeMillis() * 1_000_000L, MINUTE);
            SloFigures f = b.figures();
            assertWindow(model, m -> m / 5 > nowMinute / 5 - 72, f.error());
            AlertState alert = f.alerts().get(0);
            long[] shortWindow = count(model, m -> m > nowMinute - 30);
            assertEquals(Ratios.burnRate(shortWindow[1], shortWindow[0], 1000), alert.shortBurnRate(), 1e-9);
            long[] longWindow = count(model, m -> m / 5 > nowMinute / 5 - 36);
            assertEquals(Ratios.burnRate(longWindow[1], longWindow[0], 1000), alert.longBurnRate(), 1e-9);
        }
    }

    private static void assertWindow(List<long[]> model, java.util.function.LongPredicate inWindow, BudgetStatus s) {
        long[] c = count(model, inWindow);
        assertEquals(c[0], s.total(), "total");
        assertEquals(c[1], s.bad(), "bad");
    }

    private static long[] count(List<long[]> model, java.util.function.LongPredicate inWindow) {
        long total = 0;
        long bad = 0;
        for (long[] call : model) {
            if (inWindow.test(call[0])) {
                total++;
                bad += call[1];
            }
        }
        return new long[] {total, bad};
    }
}
