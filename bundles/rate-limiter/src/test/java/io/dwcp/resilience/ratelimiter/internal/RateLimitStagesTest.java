package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.InMemoryStateStore;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.TestInvocation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The three DS components, driven as SCR would drive them, without a container. */
class RateLimitStagesTest {

    private static final long MS = 1_000_000L;
    private static final Next<String> OK = inv -> "ok";

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<String> log = new ArrayList<>();
    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final InMemoryStateStore store = new InMemoryStateStore();

    private <S extends AbstractRateLimitStage<?, ?>> S wire(S stage) {
        stage.setServices(TestServices.recordingLogger(log), events);
        stage.stateStore = store;
        stage.timeSource = clock;
        return stage;
    }

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.stage", "rate-limit");
        props.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private TestInvocation call() {
        return new TestInvocation("send", clock);
    }

    @Test
    void aBadInitialConfigurationIsLoggedAndTheComponentDoesNotStart() {
        TokenBucketStage stage = wire(new TokenBucketStage());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> stage.activate(null, config("rate", "-5")));
        assertEquals("rate", e.key());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("ERROR configuration dwcp.ratelimiter.tokenbucket refused: "
                + "rate=-5: must be between 0.001 and 1000000")), log.toString());
        assertEquals(1, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
    }

    @Test
    void theTokenBucketStageGrantsItsBurstThenRejectsWithARetryHint() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.activate(null, config("rate", "10", "burst", "2"));
        assertEquals("ok", stage.execute(call(), OK));
        assertEquals("ok", stage.execute(call(), OK));
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> stage.execute(call(), OK));
        assertEquals("send", e.operation());
        assertTrue(e.isRejection());
        assertEquals(100 * MS, e.retryAfterNanos());
        assertTrue(e.getMessage().contains("token bucket 10/s, burst 2: no permit, next in 100.0 ms"), e.getMessage());

        MetricsSnapshot m = stage.metrics().get(0);
        assertEquals("rate-limit.tokenbucket", m.source());
        assertEquals(2, m.value("granted"));
        assertEquals(1, m.value("rejected"));
        assertEquals(0, m.value("availablePermits"));
        assertEquals(10, m.value("rate"));
    }

    @Test
    void aCallWaitsForAPermitWithinItsMaxWaitButNeverPastItsDeadline() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        List<Long> waitedUntil = new ArrayList<>();
        stage.waiter = (c, until) -> waitedUntil.add(until); // time stands still: callers queue up
        stage.activate(null, config("rate", "10", "burst", "1", "max.wait.ms", "250"));
        long now = clock.nanoTime();
        stage.execute(call(), OK);
        assertEquals("ok", stage.execute(call(), OK));
        assertEquals("ok", stage.execute(call(), OK));
        assertEquals(List.of(now + 100 * MS, now + 200 * MS), waitedUntil, "first come, first served");
        assertThrows(RateLimitedException.class, () -> stage.execute(call(), OK),
                "the next waiter would need 300 ms > 250 ms");
        clock.advanceNanos(300 * MS);
        TestInvocation tight = new TestInvocation("send", clock, clock.nanoTime() + 50 * MS);
        stage.execute(call(), OK);
        assertThrows(RateLimitedException.class, () -> stage.execute(tight, OK),
                "the deadline is nearer than the permit");
        assertEquals(0, stage.metrics().get(0).value("waiting"));
    }

    @Test
    void anInterruptedWaiterGivesItsPermitBack() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.waiter = (c, until) -> {
            throw new InterruptedException("test");
        };
        stage.activate(null, config("rate", "10", "burst", "1", "max.wait.ms", "1000"));
        stage.execute(call(), OK);
        assertThrows(InterruptedException.class, () -> stage.execute(call(), OK));
        TokenBucket bucket = stage.limiters.get("send").algorithm;
        assertEquals(100 * MS, bucket.nanosUntilAvailable(1, clock.nanoTime()), "only the first permit is spent");
    }

    @Test
    void aBadUpdateIsRefusedAndThePreviousSettingsStayInForce() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.activate(null, config("rate", "10", "burst", "1"));
        stage.execute(call(), OK);
        for (Object[] bad : new Object[][] {{"rate", "0"}, {"rate", "NaN"}, {"burst", "many"}, {"dwcp.operation", "BAD OP"},
                {"permits.per.call", "5"}}) {
            stage.modified(config("burst", "1", bad[0], bad[1]));
        }
        assertEquals(5, log.stream().filter(l -> l.startsWith("ERROR configuration dwcp.ratelimiter.tokenbucket refused")
                && l.endsWith("the previous configuration stays in force")).count(), log.toString());
        assertEquals(5, events.on(ResilienceEvents.CONFIGURATION_REFUSED).size());
        assertEquals(10.0, stage.settings().rate());
        assertThrows(RateLimitedException.class, () -> stage.execute(call(), OK), "still 10/s, burst 1");
    }

    @Test
    void aRateChangeAppliesLiveKeepsTheBucketAndIsAnnounced() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.activate(null, config("rate", "10", "burst", "5"));
        stage.execute(call(), OK);
        stage.modified(config("rate", "1000", "burst", "5"));
        assertEquals(4.0, stage.limiters.get("send").algorithm.availablePermits(clock.nanoTime()), 1e-9);
        Event e = events.on(ResilienceEvents.RATE_LIMIT_CHANGED).get(0);
        assertEquals("send", e.getProperty(ResilienceEvents.OPERATION));
        assertEquals(10.0, e.getProperty(ResilienceEvents.FROM));
        assertEquals(1000.0, e.getProperty(ResilienceEvents.TO));
        assertEquals("tokenbucket", e.getProperty(ResilienceEvents.NAME));
    }

    @Test
    void theFirstCallOfAnOperationFindsAFullBucketThoughItsClockReadingPredatesTheBucket() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.activate(null, config("rate", "5", "burst", "1"));
        TestInvocation early = call(); // reads the clock on entry, as the manager does
        clock.advanceNanos(MS); // the bucket is made a little later, on this first call
        assertEquals("ok", stage.execute(early, OK));
    }

    @Test
    void aStarConfigurationGivesEachOperationItsOwnLimiter() throws Exception {
        TokenBucketStage stage = wire(new TokenBucketStage());
        stage.activate(null, config("dwcp.operation", "*", "rate", "10", "burst", "1"));
        stage.execute(new TestInvocation("send", clock), OK);
        stage.execute(new TestInvocation("sync", clock), OK);
        assertThrows(RateLimitedException.class, () -> stage.execute(new TestInvocation("send", clock), OK));
        assertEquals(2, stage.metrics().size());
    }

    @Test
    void theAdaptiveStageLearnsFromLatencyAnnouncesEveryChangeAndRestoresItsRate() throws Exception {
        AdaptiveRateStage stage = wire(new AdaptiveRateStage());
        stage.activate(null, config());
        try {
            Next<String> slow = inv -> {
                clock.advanceNanos(500 * MS);
                return "slow";
            };
            for (int i = 0; i < 200; i++) {
                clock.advanceNanos(10 * MS);
                stage.execute(call(), slow);
            }
            assertEquals(810.0, stage.limiters.get("send").algorithm.rate(), 1e-9, "two slow windows: -10 % twice");
            stage.publishAndSave(true);
            List<Event> changes = events.on(ResilienceEvents.RATE_LIMIT_CHANGED);
            assertEquals(2, changes.size());
            assertEquals(1000.0, changes.get(0).getProperty(ResilienceEvents.FROM));
            assertEquals(900.0, changes.get(0).getProperty(ResilienceEvents.TO));
            assertTrue(((String) changes.get(0).getProperty(ResilienceEvents.REASON)).startsWith("latency above target (P95"));
            MetricsSnapshot m = stage.metrics().get(0);
            assertEquals(810.0, m.value("rate"), 1e-9);
            assertEquals(2, m.value("adjustmentsDown"));
            assertEquals(500.0, m.value("p95Millis"), 5.0);
        } finally {
            stage.deactivate();
        }
        String saved = new String(store.records().get("rate-limit.adaptive/send"), StandardCharsets.UTF_8);
        assertTrue(saved.contains("rate=810.0"), saved);

        AdaptiveRateStage successor = wire(new AdaptiveRateStage());
        int seen = events.on(ResilienceEvents.RATE_LIMIT_CHANGED).size();
        successor.activate(null, config());
        try {
            successor.execute(call(), OK);
            assertEquals(810.0, successor.limiters.get("send").algorithm.rate(), 1e-9, "taken up after a swap");
            successor.publishAndSave(false);
            assertEquals("restored from saved state", events.on(ResilienceEvents.RATE_LIMIT_CHANGED).get(seen)
                    .getProperty(ResilienceEvents.REASON));
        } finally {
            successor.deactivate();
        }
    }

    @Test
    void aStateStoreArrivingAfterTheStageStartedRestoresTheLimitUnlessItMovedSince() throws Exception {
        AdaptiveRateStage learner = wire(new AdaptiveRateStage());
        learner.activate(null, config());
        Next<String> slow = inv -> {
            clock.advanceNanos(500 * MS);
            return "slow";
        };
        for (int i = 0; i < 200; i++) {
            clock.advanceNanos(10 * MS);
            learner.execute(call(), slow);
        }
        learner.deactivate();
        assertEquals(1, store.records().size());

        // The state bundle starts last: the stage is active and serving before the store exists.
        AdaptiveRateStage late = wire(new AdaptiveRateStage());
        late.stateStore = null;
        late.activate(null, config());
        try {
            late.execute(call(), OK);
            assertEquals(1000.0, late.limiters.get("send").algorithm.rate(), 1e-9);
            late.bindStateStore(store);
            assertEquals(810.0, late.limiters.get("send").algorithm.rate(), 1e-9, "restored when the store came");
            assertTrue(log.stream().anyMatch(l -> l.contains("state store arrived after the stage started")), log.toString());
        } finally {
            late.deactivate();
        }

        // A limiter that has learnt since it started keeps what it learnt.
        AdaptiveRateStage busy = wire(new AdaptiveRateStage());
        busy.stateStore = null;
        busy.activate(null, config());
        try {
            for (int i = 0; i < 100; i++) {
                clock.advanceNanos(10 * MS);
                busy.execute(call(), slow);
            }
            double learnt = busy.limiters.get("send").algorithm.rate();
            assertTrue(learnt < 1000.0, "moved: " + learnt);
            busy.bindStateStore(store);
            assertEquals(learnt, busy.limiters.get("send").algorithm.rate(), 1e-9, "newer than the saved state");
        } finally {
            busy.deactivate();
        }
    }

    @Test
    void innerRejectionsAreNotLatencySamples() throws Exception {
        AdaptiveRateStage stage = wire(new AdaptiveRateStage());
        stage.activate(null, config("window.samples", "20"));
        try {
            Next<String> full = inv -> {
                throw new BulkheadFullException("send", "test");
            };
            for (int i = 0; i < 50; i++) {
                assertThrows(BulkheadFullException.class, () -> stage.execute(call(), full));
            }
            assertEquals(0, stage.limiters.get("send").algorithm.windowFill());
        } finally {
            stage.deactivate();
        }
    }

    @Test
    void theConcurrencyStageReleasesItsPermitWhateverHappens() throws Exception {
        ConcurrencyLimitStage stage = wire(new ConcurrencyLimitStage());
        stage.activate(null, config("initial.limit", "2", "min.limit", "1"));
        try {
            Next<String> failing = inv -> {
                throw new IllegalStateException("boom");
            };
            Next<String> shed = inv -> {
                throw new BulkheadFullException("send", "test");
            };
            for (int i = 0; i < 10; i++) {
                assertThrows(IllegalStateException.class, () -> stage.execute(call(), failing));
                assertThrows(BulkheadFullException.class, () -> stage.execute(call(), shed));
                assertEquals("ok", stage.execute(call(), OK));
            }
            ConcurrencyLimiter limiter = stage.limiters.get("send").algorithm;
            assertEquals(0, limiter.inflight());

            Next<String> third = inv -> stage.execute(call(), OK);
            Next<String> reentrant = inv -> stage.execute(call(), third);
            assertThrows(RateLimitedException.class, () -> stage.execute(call(), reentrant),
                    "a third concurrent call exceeds the limit of 2");
            assertEquals(0, limiter.inflight());
            assertFalse(stage.metrics().isEmpty());
        } finally {
            stage.deactivate();
        }
    }

    @Test
    void theAdaptiveStageCapsCallsInFlightAndFreesThePlaceWhateverHappens() throws Exception {
        AdaptiveRateStage stage = wire(new AdaptiveRateStage());
        stage.activate(null, config("target.p95.ms", "10", "inflight.factor", "0.2"));
        try {
            Next<String> failing = inv -> {
                throw new IllegalStateException("boom");
            };
            Next<String> shed = inv -> {
                throw new BulkheadFullException("send", "test");
            };
            for (int i = 0; i < 10; i++) {
                clock.advanceNanos(10 * MS);
                assertThrows(IllegalStateException.class, () -> stage.execute(call(), failing));
                assertThrows(BulkheadFullException.class, () -> stage.execute(call(), shed));
                assertEquals("ok", stage.execute(call(), OK));
            }
            AdaptiveRateController c = stage.limiters.get("send").algorithm;
            assertEquals(0, c.inflight());
            assertEquals(2, c.inflightLimit(), "1000/s x 0.2 x 10 ms");

            Next<String> third = inv -> stage.execute(call(), OK);
            Next<String> reentrant = inv -> stage.execute(call(), third);
            RateLimitedException e = assertThrows(RateLimitedException.class, () -> stage.execute(call(), reentrant),
                    "a third concurrent call exceeds the cap of 2");
            assertTrue(e.getMessage().contains("adaptive rate 1000/s: 2 calls in flight (rate x 0.2 x target P95 10.0 ms)"),
                    e.getMessage());
            assertEquals(0, c.inflight());
            MetricsSnapshot m = stage.metrics().get(0);
            assertEquals(2.0, m.value("inflightLimit"));
        } finally {
            stage.deactivate();
        }
    }
}
