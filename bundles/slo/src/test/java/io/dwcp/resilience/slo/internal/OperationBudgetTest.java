package io.dwcp.resilience.slo.internal;

import static io.dwcp.resilience.api.CallOutcome.FAILURE;
import static io.dwcp.resilience.api.CallOutcome.REJECTED;
import static io.dwcp.resilience.api.CallOutcome.SUCCESS;
import static io.dwcp.resilience.api.CallOutcome.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.BurnRateAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationBudgetTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger wakeUps = new AtomicInteger();

    private OperationBudget budget(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new OperationBudget(Slo.settings(props), clock, wakeUps::incrementAndGet);
    }

    /** This thread's writer per budget: these tests record as the SLO observer's per-caller observers do. */
    private final Map<OperationBudget, OperationBudget.Writer> writers = new java.util.IdentityHashMap<>();

    private void calls(OperationBudget b, int n, CallOutcome outcome, long latencyMillis) {
        OperationBudget.Writer w = writers.computeIfAbsent(b, OperationBudget::writer);
        for (int i = 0; i < n; i++) {
            w.record(clock.nanoTime(), outcome, TimeUnit.MILLISECONDS.toNanos(latencyMillis));
        }
    }

    @Test
    void figuresOfTheErrorBudget() {
        OperationBudget b = budget();
        calls(b, 1994, SUCCESS, 1);
        calls(b, 3, FAILURE, 1);
        calls(b, 2, TIMEOUT, 1);
        calls(b, 1, REJECTED, 1);
        BudgetStatus e = b.figures().error();
        assertEquals(2000, e.total());
        assertEquals(6, e.bad());
        assertEquals(0.997, e.goodRatio(), 1e-12);
        assertEquals(2, e.allowedBad());
        assertEquals(1.0 - 6.0 / 2.0, e.remainingBudget(), 1e-9);
        assertTrue(e.exhausted());
        assertEquals(99.7, b.figures().availabilityPercent(), 1e-9);
    }

    @Test
    void aBudgetSpentExactlyToTheObjectiveIsExhaustedAndHalfOfItIsNot() {
        OperationBudget half = budget();
        calls(half, 1999, SUCCESS, 1);
        calls(half, 1, FAILURE, 1);
        assertFalse(half.figures().error().exhausted());
        assertEquals(0.5, half.figures().error().remainingBudget(), 1e-12);

        OperationBudget spent = budget();
        calls(spent, 1998, SUCCESS, 1);
        calls(spent, 2, FAILURE, 1);
        BudgetStatus e = spent.figures().error();
        assertEquals(0.0, e.remainingBudget(), 1e-12);
        assertTrue(e.exhausted());
    }

    @Test
    void noCallsMeansAWholeBudget() {
        BudgetStatus e = budget().figures().error();
        assertEquals(0, e.total());
        assertEquals(1.0, e.remainingBudget());
        assertFalse(e.exhausted());
    }

    @Test
    void rejectionsSpendTheBudgetOnlyWhenConfiguredTo() {
        OperationBudget counting = budget();
        OperationBudget ignoring = budget("rejections.count", false);
        for (OperationBudget b : List.of(counting, ignoring)) {
            calls(b, 10, SUCCESS, 1);
            calls(b, 5, REJECTED, 1);
        }
        assertEquals(15, counting.figures().error().total());
        assertEquals(5, counting.figures().error().bad());
        assertEquals(10, ignoring.figures().error().total());
        assertEquals(0, ignoring.figures().error().bad());
    }

    @Test
    void callsLeaveAFineResolutionWindowExactlyWhenItsLastBucketDoes() {
        // 2h window, fine ring spans 24 x 5m = 2h: the window is read at 1m resolution.
        OperationBudget b = budget("window", "2h", "bucket.coarse", "5m", "alerts", "");
        clock.advance(Duration.ofSeconds(30));
        calls(b, 7, FAILURE, 1);
        for (int minute = 1; minute < 120; minute++) {
            clock.advance(Duration.ofMinutes(1));
            b.evaluate();
            assertEquals(7, b.figures().error().total(), "at minute " + minute);
        }
        clock.advance(Duration.ofSeconds(30)); // 2h after the bucket the calls fell in began
        assertEquals(0, b.figures().error().total());
    }

    @Test
    void callsSurviveFoldingIntoCoarseBucketsAndLeaveWithTheirCoarseBucket() {
        // 6h window > fine span 2h: read from 5m buckets once folded.
        OperationBudget b = budget("window", "6h", "bucket.coarse", "5m", "alerts", "");
        clock.advance(Duration.ofMinutes(3));
        calls(b, 4, FAILURE, 1);
        calls(b, 6, SUCCESS, 1);
        for (int minute = 1; minute < 357; minute++) { // 3 + 357 = 360 minutes = 6h
            clock.advance(Duration.ofMinutes(1));
            b.evaluate();
            BudgetStatus e = b.figures().error();
            assertEquals(10, e.total(), "at minute " + minute);
            assertEquals(4, e.bad(), "at minute " + minute);
        }
        clock.advance(Duration.ofMinutes(1));
        assertEquals(0, b.figures().error().total());
    }

    @Test
    void aRecycledFineBucketStartsFromZero() {
        OperationBudget b = budget("window", "1h", "bucket.coarse", "1m", "alerts", "");
        calls(b, 5, FAILURE, 1);
        // The fine ring holds 32 buckets of 1m (24 + 3, rounded up); 32 minutes later slot 0 comes round again.
        clock.advance(Duration.ofMinutes(32));
        b.evaluate();
        calls(b, 1, SUCCESS, 1);
        assertEquals(6, b.figures().error().total());
        assertEquals(5, b.figures().error().bad());
        clock.advance(Duration.ofMinutes(32));
        assertEquals(1, b.figures().error().total());
    }

    @Test
    void latencyBudgetCountsSlowSuccessesAndTakesPercentilesFromTheHistogram() {
        OperationBudget b = budget("latency.threshold", "100ms");
        calls(b, 94, SUCCESS, 10);
        calls(b, 6, SUCCESS, 200);
        calls(b, 50, FAILURE, 500); // failures spend the error budget, not the latency budget
        SloFigures f = b.figures();
        BudgetStatus l = f.latency();
        assertEquals(BudgetKind.LATENCY, l.kind());
        assertEquals(100, l.total());
        assertEquals(6, l.bad());
        assertEquals(0.94, l.goodRatio(), 1e-12);
        assertEquals(5, l.allowedBad());
        assertTrue(l.exhausted());
        assertEquals(100, f.latencyWindow().count());
        assertEquals(200.0, f.latencyWindow().p95Nanos() / 1e6, 2.0);
        assertEquals(10.0, f.latencyWindow().p50Nanos() / 1e6, 0.1);

        OperationBudget within = budget("latency.threshold", "100ms");
        calls(within, 96, SUCCESS, 10);
        calls(within, 4, SUCCESS, 200);
        assertFalse(within.figures().latency().exhausted());
        assertTrue(within.figures().latencyWindow().p95Nanos() < TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void latencyBudgetOffMeansNoLatencyFigures() {
        OperationBudget b = budget("latency.threshold", "0");
        calls(b, 10, SUCCESS, 5000);
        assertNull(b.figures().latency());
        assertFalse(b.figures().toMetrics().values().containsKey("latencyP95Millis"));
    }

    @Test
    void downtimeCountsFineBucketsThatMissedTheObjective() {
        OperationBudget b = budget("window", "6h", "bucket.coarse", "5m", "alerts", "");
        calls(b, 100, SUCCESS, 1);
        clock.advance(Duration.ofMinutes(1));
        calls(b, 99, SUCCESS, 1);
        calls(b, 1, FAILURE, 1); // 1% > 0.1%: this minute was down
        clock.advance(Duration.ofMinutes(1));
        calls(b, 999, SUCCESS, 1);
        calls(b, 1, FAILURE, 1); // exactly 0.1%: not down
        assertEquals(Duration.ofMinutes(1).toNanos(), b.figures().downtimeNanos());
        clock.advance(Duration.ofMinutes(10));
        b.evaluate(); // folded into the coarse buckets now
        assertEquals(Duration.ofMinutes(1).toNanos(), b.figures().downtimeNanos());
        assertEquals(60.0, b.figures().toMetrics().value("downtimeSeconds"), 1e-9);
    }

    @Test
    void exhaustionAndRecoveryAreReportedOnceEach() {
        OperationBudget b = budget();
        calls(b, 1000, SUCCESS, 1);
        assertTrue(b.evaluate().exhausted().isEmpty());
        calls(b, 2, FAILURE, 1);
        Evaluation spent = b.evaluate();
        assertEquals(1, spent.exhausted().size());
        assertEquals(BudgetKind.ERROR, spent.exhausted().get(0).kind());
        assertTrue(b.evaluate().exhausted().isEmpty(), "reported once");
        calls(b, 2000, SUCCESS, 1); // 2 failures of 3002 calls: 3 allowed
        Evaluation back = b.evaluate();
        assertEquals(1, back.recovered().size());
        assertFalse(back.recovered().get(0).exhausted());
        assertTrue(b.evaluate().recovered().isEmpty());
    }

    @Test
    void aFailureThatMaySpendTheBudgetWakesTheEvaluatorOnce() {
        OperationBudget b = budget();
        calls(b, 1, FAILURE, 1);
        assertEquals(1, wakeUps.get(), "a fresh budget evaluates at the first failure");
        calls(b, 10_000, SUCCESS, 1);
        b.evaluate(); // 1 failure of 10001 calls: 10 allowed, 9 left
        calls(b, 8, FAILURE, 1);
        assertEquals(1, wakeUps.get());
        calls(b, 1, FAILURE, 1);
        assertEquals(2, wakeUps.get());
        b.evaluate();
        calls(b, 5, FAILURE, 1); // exhausted now: no more wake-ups needed
        b.evaluate();
        int after = wakeUps.get();
        calls(b, 100, FAILURE, 1);
        assertEquals(after, wakeUps.get());
    }

    @Test
    void burnRateAlertsFireAndClearOnConstructedTraffic() {
        OperationBudget b = budget(); // 99.9% over 30d, the workbook's three alerts
        for (int minute = 0; minute < 120; minute++) {
            calls(b, 100, SUCCESS, 1);
            clock.advance(Duration.ofMinutes(1));
            assertTrue(b.evaluate().alerts().isEmpty(), "healthy traffic, minute " + minute);
        }
        Map<String, Integer> firedAt = new HashMap<>();
        for (int minute = 1; minute <= 10; minute++) { // 20% errors: 200x the allowed rate
            calls(b, 80, SUCCESS, 1);
            calls(b, 20, FAILURE, 1);
            clock.advance(Duration.ofMinutes(1));
            for (BurnRateAlert a : b.evaluate().alerts()) {
                assertTrue(a.firing());
                assertEquals(BudgetKind.ERROR, a.kind());
                firedAt.put(a.name(), minute);
            }
        }
        // The 1h window holds 59 whole minutes: 20k failures of 5900 calls reach 14.4x at k = 5.
        assertEquals(Map.of("1x-3d", 1, "6x-6h", 4, "14.4x-1h", 5), firedAt);
        List<String> clearedAt = new ArrayList<>();
        for (int minute = 1; minute <= 6; minute++) {
            calls(b, 100, SUCCESS, 1);
            clock.advance(Duration.ofMinutes(1));
            for (BurnRateAlert a : b.evaluate().alerts()) {
                assertFalse(a.firing());
                clearedAt.add(a.name() + "@" + minute);
                assertTrue(a.longBurnRate() >= a.factor(), "the short window is what clears it");
                assertTrue(a.shortBurnRate() < a.factor());
            }
        }
        // The 5m short window holds 4 whole minutes: clean after 4 minutes without errors.
        assertEquals(List.of("14.4x-1h@4"), clearedAt);
        SloFigures f = b.figures();
        assertEquals(0, f.toMetrics().value("alertFiring_error_14_4x_1h"));
        assertEquals(1, f.toMetrics().value("alertFiring_error_6x_6h"));
    }

    @Test
    void alertsNeedTheMinimumOfCallsInTheShortWindow() {
        OperationBudget b = budget("alert.min.requests", 10);
        calls(b, 9, FAILURE, 1);
        clock.advance(Duration.ofMinutes(1));
        assertTrue(b.evaluate().alerts().isEmpty());
        calls(b, 1, FAILURE, 1);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(3, b.evaluate().alerts().size());
    }

    @Test
    void latencyAlertsWatchSlowCalls() {
        OperationBudget b = budget("alerts", "10:1h:5m:fast-burn");
        for (int minute = 0; minute < 10; minute++) {
            calls(b, 40, SUCCESS, 1);
            calls(b, 60, SUCCESS, 300); // 60% slow: 12x the 5% allowed
            clock.advance(Duration.ofMinutes(1));
            b.evaluate();
        }
        SloFigures f = b.figures();
        AlertState latency = f.alerts().stream().filter(a -> a.kind() == BudgetKind.LATENCY).findFirst().orElseThrow();
        assertTrue(latency.firing());
        assertEquals(12.0, latency.longBurnRate(), 1e-9);
        AlertState error = f.alerts().stream().filter(a -> a.kind() == BudgetKind.ERROR).findFirst().orElseThrow();
        assertFalse(error.firing());
    }

    @Test
    void settingsOfTheSameLayoutApplyInPlace() {
        OperationBudget b = budget();
        calls(b, 1000, SUCCESS, 1);
        calls(b, 5, FAILURE, 1);
        assertTrue(b.figures().error().exhausted());
        b.apply(Slo.settings(Map.of("dwcp.operation", "send", "objective", 99.0)));
        assertFalse(b.figures().error().exhausted());
        assertEquals(10, b.figures().error().allowedBad());
    }
}
