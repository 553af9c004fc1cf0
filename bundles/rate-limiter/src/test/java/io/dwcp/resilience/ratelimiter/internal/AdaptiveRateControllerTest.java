package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveRateControllerTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<String> changes = new ArrayList<>();
    private final LimitListener listener = (from, to, reason, signal, now) ->
            changes.add(Rates.format(from) + "->" + Rates.format(to) + " " + reason + " " + signal / MS);

    private static AdaptiveRateSettings sendDefaults() {
        return TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "0"));
    }

    private void window(AdaptiveRateController c, int n, long latencyMs) {
        for (int i = 0; i < n; i++) {
            clock.advanceNanos(latencyMs * MS); // admitted now, completes after its latency
            c.record(latencyMs * MS, clock.nanoTime());
        }
    }

    @Test
    void theSpecifiedDefaultsForSend() {
        AdaptiveRateSettings s = sendDefaults();
        assertEquals(1000.0, s.initialRate());
        assertEquals(100.0, s.minRate());
        assertEquals(10_000.0, s.maxRate());
        assertEquals(100 * MS, s.targetP95Nanos());
        assertEquals(100, s.windowSamples());
        assertEquals(1.2, s.decreaseAbove());
        assertEquals(0.8, s.increaseBelow());
        assertEquals(0.10, s.decreaseStep());
        assertEquals(0.05, s.increaseStep());
        assertEquals(0.3, s.inflightFactor());
        assertEquals(500 * MS, TestServices.adaptive(Map.of("dwcp.operation", "send")).windowMinNanos());
    }

    @Test
    void callsInFlightAreCappedAtRateTimesFactorTimesTarget() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        assertEquals(30, c.inflightLimit(), "1000/s x 0.3 x 100 ms");
        for (int i = 0; i < 30; i++) {
            assertTrue(c.tryStart());
        }
        assertFalse(c.tryStart(), "the 31st call would only queue");
        c.finished();
        assertTrue(c.tryStart(), "a finished call frees its place");
        window(c, 100, 500);
        assertEquals(27, c.inflightLimit(), "the cap follows the rate: 900/s x 0.3 x 100 ms");
        assertFalse(c.tryStart());
        assertEquals(30, c.inflight(), "a lower cap refuses new calls, it does not forget running ones");
    }

    @Test
    void anInflightFactorOfZeroMeansNoCap() {
        AdaptiveRateController c = new AdaptiveRateController(TestServices.adaptive(Map.of("dwcp.operation",
                "send", "inflight.factor", "0")), 1000, clock, listener);
        for (int i = 0; i < 100_000; i++) {
            assertTrue(c.tryStart());
        }
        assertEquals(Integer.MAX_VALUE, c.inflightLimit());
    }

    @Test
    void anUnbrokenRunOfFastWindowsDoublesTheStepUpToDoublingTheRate() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 200, clock, listener);
        double[] expected = {210, 231, 277.2, 388.08, 698.544, 1397.088, 2794.176};
        for (double e : expected) {
            window(c, 100, 10);
            assertEquals(e, c.rate(), 1e-6, "+5 %, +10 %, +20 %, +40 %, +80 %, x2, x2");
        }
        window(c, 100, 100); // in the band: the run ends
        window(c, 100, 10);
        assertEquals(2794.176 * 1.05, c.rate(), 1e-6, "a new run starts with the rule's +5 %");
        window(c, 100, 10);
        window(c, 100, 500); // a cut ends the run too
        window(c, 100, 10);
        assertEquals(2794.176 * 1.05 * 1.10 * 0.9 * 1.05, c.rate(), 1e-6);
    }

    @Test
    void aSlowWindowLowersTheRateByTenPercent() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        window(c, 99, 150);
        assertEquals(1000.0, c.rate(), "no adjustment before the window is full");
        window(c, 1, 150);
        assertEquals(900.0, c.rate(), 1e-9);
        assertEquals(List.of("1000->900 LATENCY_HIGH 150"), changes);
        assertEquals(900.0, c.bucket().rate(), 1e-9, "the bucket enforces the new rate");
        assertEquals(1, c.lowered());
    }

    @Test
    void aFastWindowRaisesTheRateByFivePercent() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        window(c, 100, 50);
        assertEquals(1050.0, c.rate(), 1e-9);
        assertEquals(1, c.raised());
    }

    @Test
    void aWindowWithinTheBandKeepsTheRate() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        window(c, 100, 81);
        window(c, 100, 119);
        assertEquals(1000.0, c.rate());
        assertTrue(changes.isEmpty());
        assertEquals(2, c.windowsClosed());
    }

    @Test
    void theP95IsThe95thPercentileNotTheMeanOrTheMax() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        window(c, 94, 10);
        window(c, 6, 500); // 6 % slow: the 95th value is slow
        assertEquals(500.0, c.lastP95Nanos() / (double) MS, 5.0);
        assertEquals(900.0, c.rate(), 1e-9);

        window(c, 96, 10);
        window(c, 4, 500); // 4 % slow: the 95th value is fast
        assertEquals(10.0, c.lastP95Nanos() / (double) MS, 0.1);
        assertEquals(945.0, c.rate(), 1e-9);
    }

    @Test
    void aFastWindowOfCallsAdmittedBeforeTheLastRaiseDoesNotRaiseAgain() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        clock.advanceNanos(1_000 * MS);
        long before = clock.nanoTime();
        window(c, 100, 10);
        assertEquals(1050.0, c.rate(), 1e-9);
        for (int i = 0; i < 100; i++) {
            c.record(10 * MS, clock.nanoTime()); // fast, but admitted 10 ms before the raise: too optimistic
        }
        assertEquals(1050.0, c.rate(), 1e-9, "stale fast samples may not raise");
        window(c, 100, 10);
        assertEquals(1155.0, c.rate(), 1e-9, "fresh fast samples do (the second raise of a run: +10 %)");
        for (int i = 0; i < 100; i++) {
            c.record(clock.nanoTime() - before, clock.nanoTime());
        }
        // these calls took (now - before) > 120 ms: stale or not, a slow window always lowers
        assertEquals(1039.5, c.rate(), 1e-9);
    }

    @Test
    void aFastWindowAfterACutMayRaiseAtOnce() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        clock.advanceNanos(1_000 * MS);
        window(c, 100, 500);
        assertEquals(900.0, c.rate(), 1e-9);
        for (int i = 0; i < 100; i++) {
            c.record(10 * MS, clock.nanoTime()); // admitted before the cut, at the higher rate: pessimistic
        }
        assertEquals(945.0, c.rate(), 1e-9, "samples of a higher rate cannot make a raise overshoot");
    }

    @Test
    void aCutWaitsWhileTheRateIsFarEnoughBelowWhatTheServerCompletes() {
        AdaptiveRateSettings s = TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "250"));
        AdaptiveRateController c = new AdaptiveRateController(s, 1000, clock, listener);
        // 1000 slow calls complete within 250 ms: the server does 4000/s, the rate is 1000/s, the queue drains
        for (int i = 0; i < 1000; i++) {
            clock.advanceNanos(250 * MS / 1000);
            c.record(500 * MS, clock.nanoTime());
        }
        assertEquals(1000.0, c.rate(), 1e-9);
        assertEquals(1, c.held());
        // 100 slow calls in 250 ms: 400/s completed, below the rate: cut
        for (int i = 0; i < 100; i++) {
            clock.advanceNanos(250 * MS / 100);
            c.record(500 * MS, clock.nanoTime());
        }
        assertEquals(900.0, c.rate(), 1e-9);
    }

    @Test
    void aWindowSpansItsMinimumTimeAsWellAsItsSamples() {
        AdaptiveRateSettings s = TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "250"));
        AdaptiveRateController c = new AdaptiveRateController(s, 1000, clock, listener);
        for (int i = 0; i < 1000; i++) {
            clock.advanceNanos(MS / 10);
            c.record(500 * MS, clock.nanoTime());
        }
        assertEquals(0, c.windowsClosed(), "1000 samples in 100 ms: not a window yet");
        clock.advanceNanos(150 * MS);
        c.record(500 * MS, clock.nanoTime());
        assertEquals(1, c.windowsClosed());
    }

    @Test
    void theRateStaysWithinItsBounds() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        for (int w = 0; w < 100; w++) {
            window(c, 100, 1_000);
        }
        assertEquals(100.0, c.rate(), "never below min.rate");
        int before = changes.size();
        window(c, 100, 1_000);
        assertEquals(before, changes.size(), "at the bound nothing changes and nothing is reported");
        for (int w = 0; w < 200; w++) {
            window(c, 100, 1);
        }
        assertEquals(10_000.0, c.rate(), "never above max.rate");
    }

    @Test
    void aRestoredRateIsClampedIntoTheBounds() {
        assertEquals(10_000.0, new AdaptiveRateController(sendDefaults(), 50_000, clock, listener).rate());
        assertEquals(100.0, new AdaptiveRateController(sendDefaults(), 3, clock, listener).rate());
    }

    @Test
    void reconfigurationKeepsTheLearntRateAndMovesItIntoNewBounds() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        window(c, 100, 500);
        assertEquals(900.0, c.rate(), 1e-9);
        c.reconfigure(TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "0", "target.p95.ms", "600")),
                clock.nanoTime());
        assertEquals(900.0, c.rate(), 1e-9, "a new target does not reset the rate");
        c.reconfigure(TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "0", "max.rate", "500",
                "initial.rate", "500")), clock.nanoTime());
        assertEquals(500.0, c.rate(), 1e-9);
        assertEquals("900->500 CONFIGURED 0", changes.get(changes.size() - 1));
    }

    @Test
    void theBurstIsTheConfiguredTimeWorthOfTheCurrentRate() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        assertEquals(100, c.bucket().burst(), "100 ms of 1000/s");
        window(c, 100, 500);
        assertEquals(90, c.bucket().burst());
    }

    @Test
    void rateChangesKeepThePermitsInTheBucket() {
        AdaptiveRateController c = new AdaptiveRateController(sendDefaults(), 1000, clock, listener);
        for (int i = 0; i < 60; i++) {
            c.bucket().tryAcquire(1, clock.nanoTime(), 0);
        }
        assertEquals(40.0, c.bucket().availablePermits(clock.nanoTime()), 1e-9);
        for (int i = 0; i < 100; i++) {
            c.record(500 * MS, clock.nanoTime()); // a slow window completing at this instant
        }
        assertEquals(900.0, c.rate(), 1e-9);
        assertEquals(40.0, c.bucket().availablePermits(clock.nanoTime()), 1e-9);
    }
}
