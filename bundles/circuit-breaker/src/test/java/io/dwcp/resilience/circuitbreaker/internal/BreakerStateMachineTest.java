package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.DISABLED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.FORCED_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.HALF_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.METRICS_ONLY;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.OPEN;
import static io.dwcp.resilience.circuitbreaker.internal.TestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.circuitbreaker.internal.BreakerState.Cause;
import io.dwcp.resilience.circuitbreaker.internal.TestSupport.RecordingSink;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BreakerStateMachineTest {

    private static final long FAST = TimeUnit.MILLISECONDS.toNanos(2);

    private final ManualTimeSource clock = new ManualTimeSource();
    private final RecordingSink sink = new RecordingSink();

    private BreakerStateMachine machine(CircuitBreakerSettings s) {
        return new BreakerStateMachine("send", s, clock, sink, null);
    }

    private void call(BreakerStateMachine m, Throwable failure, long durationNanos) {
        BreakerState admitted = m.acquire(clock.nanoTime());
        m.onResult(admitted, failure, durationNanos, clock.nanoTime());
    }

    private void succeed(BreakerStateMachine m) {
        call(m, null, FAST);
    }

    private void fail(BreakerStateMachine m) {
        call(m, new IOException("peer down"), FAST);
    }

    private void tripDefault(BreakerStateMachine m) {
        for (int i = 0; i < 5; i++) {
            fail(m);
        }
        assertEquals(OPEN, m.state());
    }

    @Test
    void fiveConsecutiveFailuresTripTheSpecifiedDefaultButFourDoNot() {
        BreakerStateMachine m = machine(settings());
        for (int i = 0; i < 4; i++) {
            fail(m);
        }
        assertEquals(CLOSED, m.state());
        assertTrue(sink.transitions.isEmpty());
        fail(m);
        assertEquals(OPEN, m.state());
        CircuitBreakerTransition t = sink.last();
        assertEquals(CLOSED, t.from());
        assertEquals("5 consecutive failures", t.reason());
        assertFalse(t.manual());
        assertEquals(clock.currentTimeMillis() + 60_000, t.openUntilMillis());
        BreakerRecord r = sink.records.get(0);
        assertEquals(OPEN, r.state());
        assertEquals(60_000, r.openDurationMillis());
        assertEquals(1, r.consecutiveTrips());
    }

    @Test
    void aSuccessEndsTheStreak() {
        BreakerStateMachine m = machine(settings());
        for (int i = 0; i < 4; i++) {
            fail(m);
        }
        succeed(m);
        for (int i = 0; i < 4; i++) {
            fail(m);
        }
        assertEquals(CLOSED, m.state());
        assertEquals(4, m.metrics().value("consecutiveFailures"));
    }

    @Test
    void anOpenBreakerRejectsNamingTheOperationAndTheTimeLeft() {
        BreakerStateMachine m = machine(settings());
        tripDefault(m);
        clock.advance(Duration.ofSeconds(18));
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        assertEquals("send", e.operation());
        assertTrue(e.getMessage().contains("OPEN") && e.getMessage().contains("42 s"), e.getMessage());
        assertTrue(e.isRejection());
        assertEquals(1.0, m.metrics().value("rejected"));
        assertEquals(42_000, m.metrics().value("openRemainingMillis"));
    }

    @Test
    void afterTheResetTimeoutExactlyTheConfiguredProbesPassAndTheirSuccessCloses() {
        BreakerStateMachine m = machine(settings("half.open.probes", 3));
        tripDefault(m);
        clock.advanceNanos(TimeUnit.SECONDS.toNanos(60) - 1);
        assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        clock.advanceNanos(1);
        BreakerState p1 = m.acquire(clock.nanoTime());
        assertEquals(HALF_OPEN, m.state());
        BreakerState p2 = m.acquire(clock.nanoTime());
        BreakerState p3 = m.acquire(clock.nanoTime());
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        assertTrue(e.getMessage().contains("HALF_OPEN"), e.getMessage());
        m.onResult(p1, null, FAST, clock.nanoTime());
        m.onResult(p2, null, FAST, clock.nanoTime());
        assertEquals(HALF_OPEN, m.state());
        m.onResult(p3, null, FAST, clock.nanoTime());
        assertEquals(CLOSED, m.state());
        assertEquals(List.of(CLOSED, OPEN, HALF_OPEN), sink.transitions.stream().map(t -> t.from()).toList());
        assertEquals(3.0, m.metrics().value("stateChanges"));
    }

    @Test
    void aFailedProbeReopensWithAGrowingCappedOpenTime() {
        BreakerStateMachine m = machine(settings("open.backoff.multiplier", 2.0, "open.max.duration.ms", 200_000,
                "half.open.probes", 1));
        tripDefault(m);
        long[] expectedSeconds = { 120, 200, 200 };
        long open = 60;
        for (long expected : expectedSeconds) {
            clock.advance(Duration.ofSeconds(open));
            fail(m);
            assertEquals(OPEN, m.state());
            assertEquals(expected * 1000, m.metrics().value("openRemainingMillis"));
            assertEquals("a probe call failed", sink.last().reason());
            open = expected;
        }
        clock.advance(Duration.ofSeconds(open));
        succeed(m);
        assertEquals(CLOSED, m.state());
        tripDefault(m);
        assertEquals(60_000, m.metrics().value("openRemainingMillis"), "closing forgets the trip history");
    }

    @Test
    void halfOpenGivesUpOnProbesThatNeverAnswerAfterTheMaxWait() {
        BreakerStateMachine m = machine(settings("half.open.probes", 1, "half.open.max.wait.ms", 10_000));
        tripDefault(m);
        clock.advance(Duration.ofSeconds(60));
        BreakerState hung = m.acquire(clock.nanoTime());
        clock.advance(Duration.ofMillis(9_999));
        assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        assertEquals(HALF_OPEN, m.state());
        clock.advance(Duration.ofMillis(1));
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        assertTrue(e.getMessage().contains("OPEN"), e.getMessage());
        assertEquals(OPEN, m.state());
        assertTrue(sink.last().reason().startsWith("no verdict"), sink.last().reason());
        m.onResult(hung, null, FAST, clock.nanoTime());
        assertEquals(OPEN, m.state(), "a probe of an ended round decides nothing");
    }

    @Test
    void aCallAdmittedWhileClosedIsNotCountedAsAProbe() {
        BreakerStateMachine m = machine(settings("half.open.probes", 1));
        BreakerState early = m.acquire(clock.nanoTime());
        tripDefault(m);
        clock.advance(Duration.ofSeconds(60));
        BreakerState probe = m.acquire(clock.nanoTime());
        m.onResult(early, null, FAST, clock.nanoTime());
        assertEquals(HALF_OPEN, m.state());
        assertEquals(6.0, m.metrics().value("calls"), "it still counts in the lifetime figures");
        m.onResult(probe, null, FAST, clock.nanoTime());
        assertEquals(CLOSED, m.state());
    }

    @Test
    void failureRateOverACountWindowTripsOnlyOnceTheMinimumIsReached() {
        BreakerStateMachine m = machine(settings("failure.consecutive.threshold", 0, "failure.rate.threshold", 50,
                "window.size", 10, "window.minimum.calls", 10));
        // 9 calls, 5 of them failures (56%): below the minimum, no trip.
        for (int i = 0; i < 9; i++) {
            if (i % 2 == 0) {
                fail(m);
            } else {
                succeed(m);
            }
        }
        assertEquals(CLOSED, m.state());
        succeed(m); // 10 calls, 50%, but a success never trips
        assertEquals(CLOSED, m.state());
        fail(m); // window: last 10 = 5 failures... the oldest failure left: still 50%
        assertEquals(OPEN, m.state());
        assertTrue(sink.last().reason().startsWith("failure rate 50.0% >= 50.0% over 10 calls"), sink.last().reason());
    }

    @Test
    void failureRateBelowTheThresholdDoesNotTrip() {
        BreakerStateMachine m = machine(settings("failure.consecutive.threshold", 0, "failure.rate.threshold", 50,
                "window.size", 10, "window.minimum.calls", 10));
        for (int i = 0; i < 100; i++) {
            if (i % 3 == 0) {
                fail(m);
            } else {
                succeed(m);
            }
        }
        assertEquals(CLOSED, m.state());
        assertEquals(0.4, m.metrics().value("failureRate"), 1e-9); // last 10: i=90..99, failures at 90,93,96,99
    }

    @Test
    void aTimeWindowForgetsOutcomesOlderThanItsLength() {
        BreakerStateMachine m = machine(settings("failure.consecutive.threshold", 0, "failure.rate.threshold", 50,
                "window.type", "TIME", "window.size", 10, "window.minimum.calls", 4));
        fail(m);
        fail(m);
        fail(m);
        clock.advance(Duration.ofSeconds(10)); // those three leave the window
        succeed(m);
        succeed(m);
        succeed(m);
        fail(m); // 1 of 4 = 25%
        assertEquals(CLOSED, m.state());
        assertEquals(4.0, m.metrics().value("windowCalls"));
        clock.advance(Duration.ofSeconds(5));
        fail(m);
        fail(m); // 3 of 6 = 50%
        assertEquals(OPEN, m.state());
    }

    @Test
    void slowCallRateTripsWithoutAnyFailure() {
        BreakerStateMachine m = machine(settings("failure.consecutive.threshold", 0, "failure.rate.threshold", 0,
                "slow.call.rate.threshold", 50, "slow.call.duration.ms", 1000, "window.size", 4,
                "window.minimum.calls", 4));
        long slow = TimeUnit.MILLISECONDS.toNanos(1000);
        call(m, null, FAST);
        call(m, null, slow);
        call(m, null, FAST);
        assertEquals(CLOSED, m.state());
        call(m, null, slow);
        assertEquals(OPEN, m.state());
        assertTrue(sink.last().reason().startsWith("slow-call rate 50.0%"), sink.last().reason());
        assertEquals(2.0, m.metrics().value("slowCalls"));
        assertEquals(0.0, m.metrics().value("failures"));
    }

    @Test
    void aSlowProbeReopensOnlyWhileTheSlowRuleIsOn() {
        CircuitBreakerSettings slowRuleOn = settings("half.open.probes", 1, "slow.call.duration.ms", 1000);
        BreakerStateMachine m = machine(slowRuleOn);
        tripDefault(m);
        clock.advance(Duration.ofSeconds(60));
        call(m, null, TimeUnit.SECONDS.toNanos(2));
        assertEquals(OPEN, m.state());

        BreakerStateMachine off = machine(settings("half.open.probes", 1, "slow.call.duration.ms", 1000,
                "slow.call.rate.threshold", 0));
        tripDefault(off);
        clock.advance(Duration.ofSeconds(60));
        call(off, null, TimeUnit.SECONDS.toNanos(2));
        assertEquals(CLOSED, off.state());
    }

    @Test
    void ignoredExceptionsCountNeitherWayAndInterruptionIsIgnoredByDefault() {
        BreakerStateMachine m = machine(settings("ignore.exceptions", "java.lang.InterruptedException,java.lang.IllegalArgumentException"));
        for (int i = 0; i < 10; i++) {
            call(m, new InterruptedException(), FAST);
            call(m, new NumberFormatException("bad input"), FAST); // a subclass of an ignored one
        }
        assertEquals(CLOSED, m.state());
        MetricsSnapshot s = m.metrics();
        assertEquals(20.0, s.value("ignored"));
        assertEquals(0.0, s.value("failures"));
        assertEquals(0.0, s.value("successes"));
    }

    @Test
    void withARecordListOtherExceptionsCountAsSuccessesAndSubclassesAreRecorded() {
        BreakerStateMachine m = machine(settings("record.exceptions", "java.io.IOException"));
        for (int i = 0; i < 10; i++) {
            call(m, new IllegalStateException("business answer"), FAST);
        }
        assertEquals(CLOSED, m.state());
        assertEquals(10.0, m.metrics().value("successes"));
        for (int i = 0; i < 5; i++) {
            call(m, new FileNotFoundException("gone"), FAST);
        }
        assertEquals(OPEN, m.state());
    }

    @Test
    void rejectionsOfInnerStagesNeverReachedThePeerAndAreIgnored() {
        BreakerStateMachine m = machine(settings());
        for (int i = 0; i < 10; i++) {
            call(m, new RateLimitedException("send", "no tokens", 0L), FAST);
        }
        assertEquals(CLOSED, m.state());
        assertEquals(10.0, m.metrics().value("ignored"));
    }

    @Test
    void disabledLetsEverythingPassAndMeasuresNothing() {
        BreakerStateMachine m = machine(settings());
        m.transitionTo(DISABLED);
        assertEquals(DISABLED, sink.last().to());
        assertTrue(sink.last().manual());
        for (int i = 0; i < 50; i++) {
            fail(m);
        }
        assertEquals(DISABLED, m.state());
        assertEquals(0.0, m.metrics().value("calls"));
        assertEquals(1, sink.transitions.size());
    }

    @Test
    void forcedOpenRejectsForeverUntilAnOperatorActs() {
        BreakerStateMachine m = machine(settings());
        m.transitionTo(FORCED_OPEN);
        clock.advance(Duration.ofDays(30));
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        assertTrue(e.getMessage().contains("FORCED_OPEN"), e.getMessage());
        m.reset();
        assertEquals(CLOSED, m.state());
        succeed(m);
    }

    @Test
    void metricsOnlyMeasuresButNeverTrips() {
        BreakerStateMachine m = machine(settings());
        m.transitionTo(METRICS_ONLY);
        for (int i = 0; i < 200; i++) {
            fail(m);
        }
        assertEquals(METRICS_ONLY, m.state());
        MetricsSnapshot s = m.metrics();
        assertEquals(200.0, s.value("failures"));
        assertEquals(1.0, s.value("failureRate"));
        assertEquals(200.0, s.value("consecutiveFailures"));
    }

    @Test
    void openForOpensForThatLongThenProbes() {
        BreakerStateMachine m = machine(settings("half.open.probes", 1));
        m.openFor(Duration.ofSeconds(5));
        assertEquals(OPEN, m.state());
        assertTrue(sink.last().manual());
        assertEquals(clock.currentTimeMillis() + 5_000, sink.last().openUntilMillis());
        clock.advance(Duration.ofMillis(4_999));
        assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        clock.advance(Duration.ofMillis(1));
        succeed(m);
        assertEquals(CLOSED, m.state());
        assertThrows(IllegalArgumentException.class, () -> m.openFor(Duration.ZERO));
    }

    @Test
    void aConfiguredModeIsEnteredAndLeftOnlyIfConfigurationSetIt() {
        BreakerStateMachine m = machine(settings("mode", "FORCED_OPEN"));
        assertEquals(FORCED_OPEN, m.state());
        assertEquals("configuration: mode=FORCED_OPEN", sink.last().reason());
        assertEquals(Cause.CONFIGURATION, sink.records.get(0).cause());
        m.reconfigure(settings());
        assertEquals(CLOSED, m.state());

        m.transitionTo(FORCED_OPEN); // an operator's order outlives configuration changes
        m.reconfigure(settings("failure.consecutive.threshold", 3));
        assertEquals(FORCED_OPEN, m.state());
    }

    @Test
    void aNewThresholdAppliesToTheNextOutcomeWithoutATransition() {
        BreakerStateMachine m = machine(settings());
        fail(m);
        m.reconfigure(settings("failure.consecutive.threshold", 2));
        assertTrue(sink.transitions.isEmpty());
        fail(m);
        assertEquals(OPEN, m.state());
        assertEquals("2 consecutive failures", sink.last().reason());
    }

    @Test
    void aNewWindowShapeStartsAnEmptyWindow() {
        BreakerStateMachine m = machine(settings());
        for (int i = 0; i < 30; i++) {
            succeed(m);
        }
        assertEquals(30.0, m.metrics().value("windowCalls"));
        m.reconfigure(settings("window.size", 50));
        assertEquals(0.0, m.metrics().value("windowCalls"));
        assertEquals(CLOSED, m.state());
        assertTrue(sink.transitions.isEmpty());
    }

    @Test
    void anOpenBreakerIsRestoredWithTheTimeItHadLeft() {
        long now = clock.currentTimeMillis();
        BreakerRecord r = new BreakerRecord("send", OPEN, Cause.CALLS, now + 42_000, 60_000, 2, now - 18_000);
        BreakerStateMachine m = new BreakerStateMachine("send", settings(), clock, sink, r);
        assertEquals(OPEN, m.state());
        assertTrue(sink.transitions.isEmpty(), "restoring is not a transition");
        assertEquals(42_000, m.metrics().value("openRemainingMillis"));
        assertEquals(2.0, m.metrics().value("consecutiveTrips"));
        clock.advance(Duration.ofMillis(41_999));
        assertThrows(CallNotPermittedException.class, () -> m.acquire(clock.nanoTime()));
        clock.advance(Duration.ofMillis(1));
        m.acquire(clock.nanoTime());
        assertEquals(HALF_OPEN, m.state());
    }

    @Test
    void aRestoredOpenTimeNeverExceedsThePeriodItWasOpenedFor() {
        long now = clock.currentTimeMillis();
        // Saved with a wall clock ten hours ahead of ours: the deadline looks ten hours away.
        BreakerRecord r = new BreakerRecord("send", OPEN, Cause.CALLS, now + 36_000_000, 60_000, 1, now + 36_000_000 - 60_000);
        BreakerStateMachine m = new BreakerStateMachine("send", settings(), clock, sink, r);
        assertEquals(60_000, m.metrics().value("openRemainingMillis"));
        BreakerRecord expired = new BreakerRecord("send", OPEN, Cause.CALLS, now - 1, 60_000, 1, now - 60_001);
        BreakerStateMachine m2 = new BreakerStateMachine("send", settings(), clock, sink, expired);
        m2.acquire(clock.nanoTime());
        assertEquals(HALF_OPEN, m2.state());
    }

    @Test
    void manualOnlyStatesAreRestoredUnlessConfigurationSetThemAndNoLongerDoes() {
        long now = clock.currentTimeMillis();
        BreakerStateMachine manual = new BreakerStateMachine("send", settings(), clock, sink,
                new BreakerRecord("send", FORCED_OPEN, Cause.MANUAL, 0, 0, 0, now));
        assertEquals(FORCED_OPEN, manual.state());
        BreakerStateMachine configured = new BreakerStateMachine("send", settings(), clock, sink,
                new BreakerRecord("send", FORCED_OPEN, Cause.CONFIGURATION, 0, 0, 0, now));
        assertEquals(CLOSED, configured.state());
        assertEquals("configuration: mode=NORMAL", sink.last().reason());
    }

    @Test
    void aRestoredHalfOpenStartsAFreshProbeRound() {
        BreakerStateMachine m = new BreakerStateMachine("send", settings("half.open.probes", 2), clock, sink,
                new BreakerRecord("send", HALF_OPEN, Cause.CALLS, 0, 0, 1, clock.currentTimeMillis()));
        assertEquals(HALF_OPEN, m.state());
        assertEquals(2.0, m.metrics().value("probesLeft"));
    }

    @Test
    void metricsNameEveryFigureOfTheIssue() {
        BreakerStateMachine m = machine(settings());
        succeed(m);
        fail(m);
        call(m, null, TimeUnit.SECONDS.toNanos(31));
        MetricsSnapshot s = m.metrics();
        assertEquals("circuit-breaker", s.source());
        assertEquals("send", s.operation());
        assertEquals(List.of("state", "calls", "successes", "failures", "ignored", "rejected", "slowCalls",
                "successRate", "windowCalls", "failureRate", "slowCallRate", "stateChanges", "consecutiveFailures",
                "consecutiveTrips", "openRemainingMillis", "probesLeft"), List.copyOf(s.values().keySet()));
        assertEquals(CLOSED.code(), s.value("state"));
        assertEquals(3.0, s.value("calls"));
        assertEquals(2.0 / 3.0, s.value("successRate"), 1e-9);
        assertEquals(1.0, s.value("slowCalls"));
        assertEquals(0.0, s.value("consecutiveFailures"));
        assertEquals(clock.currentTimeMillis(), s.timestampMillis());
    }

    @Test
    void theEpisodeACallWasAdmittedInIsTheOneItReportsTo() {
        BreakerStateMachine m = machine(settings());
        BreakerState closed = m.acquire(clock.nanoTime());
        assertSame(closed, m.currentEpisode());
        assertEquals(CircuitBreakerState.CLOSED, closed.kind);
    }
}
