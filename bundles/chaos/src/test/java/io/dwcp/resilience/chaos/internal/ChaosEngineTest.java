package io.dwcp.resilience.chaos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.chaos.internal.Fakes.CountingInjector;
import io.dwcp.resilience.chaos.internal.Fakes.RecordingAudit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChaosEngineTest {

    private static final int CALLS = 10_000;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final RecordingAudit audit = new RecordingAudit();
    private final Random random = new Random(20261127L);
    private final CountingInjector latency = new CountingInjector("latency");
    private final CountingInjector error = new CountingInjector("error");
    private long nextServiceId = 1;

    private ChaosEngine engine(boolean allowed, double probability) {
        return engine(Fakes.settings(allowed, probability, "*", "*", "", 3600, true));
    }

    private ChaosEngine engine(ChaosSettings settings) {
        ChaosEngine engine = new ChaosEngine(clock, random::nextDouble, audit, settings);
        register(engine, latency, 0);
        register(engine, error, 0);
        return engine;
    }

    private long register(ChaosEngine engine, CountingInjector injector, int ranking) {
        long id = nextServiceId++;
        engine.addInjector(new Registration<>(injector.name(), ranking, id, injector));
        return id;
    }

    /** Runs calls and returns how many failed with an injected fault. */
    private int run(ChaosEngine engine, int calls, String operation, String peer) throws Exception {
        int faults = 0;
        for (int i = 0; i < calls; i++) {
            try {
                engine.execute(new TestInvocation(operation, peer, clock), Fakes.OK);
            } catch (InjectedFaultException e) {
                faults++;
            }
        }
        return faults;
    }

    private int injected() {
        return latency.injections.get() + error.injections.get();
    }

    // ------------------------------------------------------------------ safety

    @Test
    void notAllowedNoInjectorEverRunsAndArmingIsRefused() throws Exception {
        ChaosEngine engine = engine(false, 1.0);
        assertEquals(0, run(engine, CALLS, "send", "node-1"));

        ChaosNotAllowedException refused = assertThrows(ChaosNotAllowedException.class,
                () -> engine.arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0)));
        assertTrue(refused.getMessage().contains("allowed=false"), refused.getMessage());
        assertTrue(refused.getMessage().contains("dwcp.chaos"), refused.getMessage());

        assertEquals(0, run(engine, CALLS, "send", "node-1"));
        assertEquals(0, injected());
        ChaosStatus status = engine.status();
        assertFalse(status.armed());
        assertEquals(1, status.refusals());
        assertEquals(0, status.arms());
        assertEquals(1, audit.count("refused"));
        assertEquals(0, audit.count("injected"));
    }

    @Test
    void allowedButNotArmedNoInjectorRunsUntilArmed() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        assertEquals(0, run(engine, CALLS, "send", "node-1"));
        assertEquals(0, injected());

        engine.arm(ArmRequest.of(Duration.ofMinutes(1)));
        assertEquals(CALLS, run(engine, CALLS, "send", "node-1"), "probability 1: every call gets a fault");
        assertEquals(CALLS, injected());
        assertEquals(CALLS, engine.status().totalInjections());
        assertEquals(CALLS, audit.count("injected"));
    }

    @Test
    void armingExpiresByItselfOnTheFakeClockAndReverts() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofSeconds(30)).withReason("game day"));
        assertEquals(1, run(engine, 1, "send", ""));
        assertTrue(engine.expireIfDue() > 0);

        clock.advance(Duration.ofSeconds(29));
        assertEquals(1, run(engine, 1, "send", ""), "still armed one second before the end");

        clock.advance(Duration.ofSeconds(1));
        int before = injected();
        assertEquals(0, run(engine, 1000, "send", ""), "past its end an arming is void, even before the timer runs");
        assertEquals(before, injected());

        assertEquals(-1, engine.expireIfDue());
        ChaosStatus status = engine.status();
        assertFalse(status.armed());
        assertTrue(status.reason().startsWith("expired"), status.reason());
        assertEquals(1, status.disarms());
        assertEquals(1, latency.reverts.get());
        assertEquals(1, error.reverts.get());
        assertEquals(1, audit.count("disarmed expired"));
        assertEquals(0, run(engine, 1000, "send", ""));
    }

    @Test
    void statusItselfNoticesExpiry() {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMillis(1)));
        clock.advance(Duration.ofMillis(1));
        assertFalse(engine.status().armed());
    }

    @Test
    void killSwitchRevertsEveryInjectorIncludingUnselectedOnes() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofHours(1)).withInjector("latency", 1));
        assertEquals(100, run(engine, 100, "send", ""));
        assertEquals(0, error.injections.get(), "only the selected injector runs");

        ChaosStatus after = engine.disarm("kill switch");
        assertFalse(after.armed());
        assertEquals("kill switch", after.reason());
        assertEquals(1, latency.reverts.get());
        assertEquals(1, error.reverts.get());
        assertEquals(0, run(engine, CALLS, "send", ""));

        engine.disarm("again");
        assertEquals(2, latency.reverts.get(), "the kill switch reverts even when nothing is armed");
        assertEquals(1, engine.status().disarms(), "but only an armed engine counts a disarm");
    }

    @Test
    void aRevertThatThrowsDoesNotStopTheOthers() {
        ChaosEngine engine = new ChaosEngine(clock, random::nextDouble, audit,
                Fakes.settings(true, 1.0, "*", "*", "", 3600, true));
        CountingInjector broken = new CountingInjector("broken") {
            @Override
            public void revert() {
                super.revert();
                throw new IllegalStateException("boom");
            }
        };
        register(engine, broken, 0);
        register(engine, latency, 0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)));
        engine.disarm("operator");
        assertEquals(1, broken.reverts.get());
        assertEquals(1, latency.reverts.get());
        assertEquals(1, audit.count("revert failed broken"));
    }

    @Test
    void configurationThatNoLongerAllowsChaosDisarmsAtOnce() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(10)));
        engine.configure(Fakes.settings(false, 1.0, "*", "*", "", 3600, true));
        assertFalse(engine.status().armed());
        assertEquals(1, latency.reverts.get());
        assertEquals(0, run(engine, CALLS, "send", ""));
    }

    @Test
    void closingTheEngineDisarmsAndReverts() {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(10)));
        engine.close("chaos engine stopped");
        assertFalse(engine.status().armed());
        assertEquals(1, latency.reverts.get());
        assertEquals(1, error.reverts.get());
    }

    // ------------------------------------------------------------------ probability, weights, scope

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.1, 0.5, 0.9})
    void injectionRateMatchesTheProbabilityWithinStatisticalBounds(double p) throws Exception {
        ChaosEngine engine = engine(true, 0.01);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withProbability(p).withInjector("error", 1));
        int n = 100_000;
        int faults = run(engine, n, "send", "");
        double rate = (double) faults / n;
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertTrue(Math.abs(rate - p) <= 5 * sigma, "rate " + rate + " vs probability " + p + " (5 sigma = "
                + 5 * sigma + ")");
        assertEquals(faults, error.injections.get());
    }

    @Test
    void probabilityZeroNeverAndOneAlways() throws Exception {
        ChaosEngine engine = engine(true, 0.01);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withProbability(0.0));
        assertEquals(0, run(engine, CALLS, "send", ""));
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withProbability(1.0));
        assertEquals(CALLS, run(engine, CALLS, "send", ""));
    }

    @Test
    void weightsSplitTheInjectionsWithinStatisticalBounds() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 3).withInjector("error", 1));
        int n = 40_000;
        run(engine, n, "send", "");
        double share = latency.injections.get() / (double) n;
        double sigma = Math.sqrt(0.75 * 0.25 / n);
        assertTrue(Math.abs(share - 0.75) <= 5 * sigma, "latency share " + share);
        assertEquals(n, injected());
    }

    @Test
    void configuredWeightsApplyWhenTheRequestNamesNone() throws Exception {
        ChaosEngine engine = engine(Fakes.settings(true, 1.0, "*", "*", "error", 3600, true));
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)));
        run(engine, 1000, "send", "");
        assertEquals(1000, error.injections.get());
        assertEquals(0, latency.injections.get());
    }

    @Test
    void scopeLimitsOperationsAndPeers() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withOperations("send").withPeers("node-1", "node-2"));
        assertEquals(0, run(engine, 1000, "receive", "node-1"));
        assertEquals(0, run(engine, 1000, "send", "node-3"));
        assertEquals(0, run(engine, 1000, "send", ""));
        assertEquals(1000, run(engine, 1000, "send", "node-2"));
        assertEquals(List.of("send"), engine.status().operations());
    }

    @Test
    void configuredScopeAppliesWhenTheRequestNamesNone() throws Exception {
        ChaosEngine engine = engine(Fakes.settings(true, 1.0, "sync, consensus", "*", "", 3600, true));
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)));
        assertEquals(0, run(engine, 100, "send", "x"));
        assertEquals(100, run(engine, 100, "consensus", "x"));
    }

    // ------------------------------------------------------------------ injector registry

    @Test
    void anInjectorUninstalledWhileArmedDropsOutAndComesBack() throws Exception {
        ChaosEngine engine = new ChaosEngine(clock, random::nextDouble, audit,
                Fakes.settings(true, 1.0, "*", "*", "", 3600, true));
        long id = register(engine, latency, 0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 1));
        assertEquals(10, run(engine, 10, "send", ""));

        engine.removeInjector(id);
        assertEquals(List.of(), engine.status().availableInjectors());
        assertEquals(0, run(engine, 10, "send", ""), "nothing left to inject with");
        assertTrue(engine.status().idle(), "reported: armed but nothing to inject with");
        assertTrue(audit.lines.contains("idle [latency]"), audit.lines.toString());

        register(engine, latency, 0);
        assertFalse(engine.status().idle());
        assertEquals(10, run(engine, 10, "send", ""));
        assertEquals(20, engine.status().injections("latency"));
    }

    @Test
    void theHigherRankedOfTwoInjectorsWithOneNameWins() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        CountingInjector better = new CountingInjector("latency");
        register(engine, better, 10);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 1));
        run(engine, 10, "send", "");
        assertEquals(10, better.injections.get());
        assertEquals(0, latency.injections.get());
        engine.disarm("operator");
        assertEquals(1, latency.reverts.get(), "the kill switch reverts the outranked one too");
    }

    @Test
    void partitionedPeersFailWhileArmedWhateverTheProbability() throws Exception {
        ChaosEngine engine = engine(true, 0.0);
        PartitionPolicy policy = peer -> peer.equals("node-3");
        engine.addPartitionPolicy(new Registration<>("partition", 0, 99, policy));
        assertEquals(0, run(engine, 100, "send", "node-3"), "not armed: no partition is enforced");

        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 1));
        assertEquals(100, run(engine, 100, "send", "node-3"));
        assertEquals(100, run(engine, 100, "receive", "node-3"));
        assertEquals(0, run(engine, 100, "send", "node-4"));
        assertEquals(200, engine.status().injections("partition"));

        engine.configure(Fakes.settings(true, 0.0, "*", "*", "", 3600, false));
        assertEquals(0, run(engine, 100, "send", "node-3"), "partition.enforce=false leaves it to the transport");
    }

    // ------------------------------------------------------------------ where the fault takes effect

    /** A fake inner protection (breaker or bulkhead): records what the rest of the chain threw. */
    private static final class RecordingStage implements Stage {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            try {
                return next.proceed(inv);
            } catch (Exception | Error e) {
                seen.add(e);
                throw e;
            }
        }
    }

    /** A fake timeout stage: narrows the deadline to {@code timeoutNanos} and restores it afterwards. */
    private static final class NarrowingStage implements Stage {
        final long timeoutNanos;

        NarrowingStage(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            long outer = inv.deadlineNanos();
            inv.setDeadlineNanos(Math.min(outer, Invocation.deadlineAfter(inv.timeSource().nanoTime(), timeoutNanos)));
            try {
                return next.proceed(inv);
            } finally {
                inv.setDeadlineNanos(outer);
            }
        }
    }

    /** Like the latency injector: waits (on the fake clock) but never past the deadline it sees. */
    private final class DeadlineHonouringDelay extends CountingInjector {
        final long delayNanos;
        final List<Long> waited = new ArrayList<>();

        DeadlineHonouringDelay(long delayNanos) {
            super("latency");
            this.delayNanos = delayNanos;
        }

        @Override
        public <T> T inject(Invocation inv, Next<T> next) {
            injections.incrementAndGet();
            long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
            long wait = Math.min(delayNanos, Math.max(0, remaining));
            clock.advance(Duration.ofNanos(wait));
            waited.add(wait);
            if (wait < delayNanos) {
                throw new DeadlineExceededException(inv.operation(), -1, "delayed past the deadline");
            }
            try {
                return next.proceed(inv);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static <T> Next<T> through(Stage stage, Next<T> next) {
        return inv -> stage.execute(inv, next);
    }

    @Test
    void anInjectedFaultIsSeenByTheInnerProtectionsAsTheOperationsOwn() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("error", 1));
        RecordingStage breaker = new RecordingStage();
        int[] operationRan = new int[1];
        Next<String> rest = through(breaker, Fakes.operation(inv -> {
            operationRan[0]++;
            return "ok";
        }));

        assertThrows(InjectedFaultException.class,
                () -> engine.execute(new TestInvocation("send", "node-1", clock), rest));
        assertEquals(1, breaker.seen.size(), "the breaker recorded the injected error");
        assertTrue(breaker.seen.get(0) instanceof InjectedFaultException);
        assertEquals(0, operationRan[0]);
    }

    @Test
    void aRetryInsideChaosMeetsTheFaultOnEveryAttemptButItIsDecidedAndCountedOnce() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("error", 1));
        Stage twoAttempts = new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                try {
                    return next.proceed(inv);
                } catch (InjectedFaultException first) {
                    inv.setAttempt(2);
                    return next.proceed(inv);
                }
            }
        };

        assertThrows(InjectedFaultException.class,
                () -> engine.execute(new TestInvocation("send", "node-1", clock), through(twoAttempts, Fakes.OK)));
        assertEquals(2, error.injections.get(), "the fault took effect on both attempts");
        assertEquals(1, engine.status().injections("error"), "one decision, one count");
        assertEquals(1, audit.count("injected"));
    }

    @Test
    void injectedLatencyIsBoundedByAnInnerTimeoutStage() throws Exception {
        DeadlineHonouringDelay slow = new DeadlineHonouringDelay(Duration.ofMillis(200).toNanos());
        ChaosEngine engine = new ChaosEngine(clock, random::nextDouble, audit,
                Fakes.settings(true, 1.0, "*", "*", "", 3600, true));
        engine.addInjector(new Registration<>("latency", 0, nextServiceId++, slow));
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)));
        RecordingStage breaker = new RecordingStage();
        Next<String> rest = through(breaker, through(new NarrowingStage(Duration.ofMillis(50).toNanos()), Fakes.OK));

        TestInvocation inv = new TestInvocation("send", "node-1", clock);
        assertThrows(DeadlineExceededException.class, () -> engine.execute(inv, rest));
        assertEquals(List.of(Duration.ofMillis(50).toNanos()), slow.waited, "the delay stopped at the timeout");
        assertEquals(Invocation.NO_DEADLINE, inv.deadlineNanos(), "the timeout stage restored the outer deadline");
        assertTrue(breaker.seen.get(0) instanceof DeadlineExceededException, "the breaker recorded a timeout");
    }

    @Test
    void aPartitionIsEnforcedInnermostAndHealsBetweenAttempts() throws Exception {
        ChaosEngine engine = engine(true, 0.0);
        boolean[] cut = {true};
        engine.addPartitionPolicy(new Registration<>("partition", 0, 99, peer -> cut[0] && peer.equals("node-3")));
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 1));
        RecordingStage breaker = new RecordingStage();
        Stage healThenRetry = new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                try {
                    return next.proceed(inv);
                } catch (InjectedFaultException first) {
                    cut[0] = false; // the partition heals during the backoff
                    inv.setAttempt(2);
                    return next.proceed(inv);
                }
            }
        };

        assertEquals("ok", engine.execute(new TestInvocation("send", "node-3", clock),
                through(healThenRetry, through(breaker, Fakes.OK))));
        assertEquals(1, breaker.seen.size(), "the first attempt failed at the operation, where the breaker saw it");
        assertEquals(1, engine.status().injections("partition"));
    }

    // ------------------------------------------------------------------ bad input

    static Stream<Arguments> badRequests() {
        Duration ok = Duration.ofMinutes(1);
        return Stream.of(
                Arguments.of(ArmRequest.of(ok).withProbability(-0.1), "probability=-0.1"),
                Arguments.of(ArmRequest.of(ok).withProbability(1.5), "probability=1.5"),
                Arguments.of(ArmRequest.of(ok).withProbability(Double.NaN), "probability=NaN"),
                Arguments.of(ArmRequest.of(Duration.ofSeconds(-5)), "duration=PT-5S"),
                Arguments.of(ArmRequest.of(Duration.ZERO), "duration=PT0S"),
                Arguments.of(ArmRequest.of(null), "duration is required"),
                Arguments.of(ArmRequest.of(Duration.ofHours(2)), "exceeds the maximum"),
                Arguments.of(ArmRequest.of(ok).withInjector("nosuch", 1), "unknown injector 'nosuch'"),
                Arguments.of(ArmRequest.of(ok).withInjector("latency", 1).withInjector("nosuch", 1),
                        "unknown injector 'nosuch'"),
                Arguments.of(ArmRequest.of(ok).withInjector("latency", 0), "weight 0.0"),
                Arguments.of(ArmRequest.of(ok).withInjector("latency", -1), "weight -1.0"),
                Arguments.of(ArmRequest.of(ok).withInjector("latency", Double.POSITIVE_INFINITY), "weight Infinity"),
                Arguments.of(ArmRequest.of(ok).withInjector("Bad Name", 1), "invalid injector name"),
                Arguments.of(ArmRequest.of(ok).withOperations("Send!"), "invalid operation name"),
                Arguments.of(ArmRequest.of(ok).withPeers("node-1", " "), "empty element"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badRequestsAreRefusedAndNothingIsArmed(ArmRequest request, String expected) throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.arm(request));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was armed"), e.getMessage());
        assertFalse(engine.status().armed());
        assertEquals(0, run(engine, 1000, "send", "node-1"));
        assertEquals(1, engine.status().refusals());
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badRequestsLeaveAnArmingInForceUnchanged(ArmRequest request, String expected) throws Exception {
        ChaosEngine engine = engine(true, 0.01);
        ChaosStatus before = engine.arm(ArmRequest.of(Duration.ofMinutes(30)).withProbability(1.0)
                .withOperations("sync").withInjector("error", 1).withReason("first"));
        assertThrows(IllegalArgumentException.class, () -> engine.arm(request));
        ChaosStatus after = engine.status();
        assertTrue(after.armed());
        assertEquals(before.expiresAtMillis(), after.expiresAtMillis());
        assertEquals(before.probability(), after.probability());
        assertEquals(before.operations(), after.operations());
        assertEquals(before.weights(), after.weights());
        assertEquals("first", after.reason());
        assertEquals(100, run(engine, 100, "sync", "node-1"));
        assertEquals(100, error.injections.get());
    }

    @Test
    void armingWithNoInjectorRegisteredIsRefused() {
        ChaosEngine engine = new ChaosEngine(clock, random::nextDouble, audit,
                Fakes.settings(true, 1.0, "*", "*", "", 3600, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.arm(ArmRequest.of(Duration.ofMinutes(1))));
        assertTrue(e.getMessage().contains("no fault injector is registered"), e.getMessage());
    }

    @Test
    void aConfiguredInjectorThatIsNotInstalledIsRefusedAtArmTime() {
        ChaosEngine engine = engine(Fakes.settings(true, 1.0, "*", "*", "latency:2, cpu:1", 3600, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.arm(ArmRequest.of(Duration.ofMinutes(1))));
        assertTrue(e.getMessage().contains("unknown injector 'cpu' (from injectors in dwcp.chaos)"), e.getMessage());
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of((Runnable) () -> Fakes.settings(true, 1.01, "*", "*", "", 60, true), "probability"),
                Arguments.of((Runnable) () -> Fakes.settings(true, -0.5, "*", "*", "", 60, true), "probability"),
                Arguments.of((Runnable) () -> Fakes.settings(true, Double.NaN, "*", "*", "", 60, true), "probability"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "*", "", -60, true), "max.arm.seconds"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "*", "", 0, true), "max.arm.seconds"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "SEND", "*", "", 60, true), "operations"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "send,,sync", "*", "", 60, true), "operations"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "a,", "", 60, true), "peers"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "*", "latency:-1", 60, true), "injectors"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "*", "latency:x", 60, true), "injectors"),
                Arguments.of((Runnable) () -> Fakes.settings(true, 0.1, "*", "*", "latency,latency", 60, true),
                        "injectors"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void badConfigurationIsRefusedNamingPidAndKey(Runnable settings, String key) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, settings::run);
        assertEquals("dwcp.chaos", e.pid());
        assertEquals(key, e.key());
        assertTrue(e.getMessage().startsWith("configuration dwcp.chaos refused: " + key + "="), e.getMessage());
    }

    @Test
    void goodConfigurationParses() {
        ChaosSettings s = Fakes.settings(true, 0.25, " send , sync ", "node-1", "latency:3, error", 120, false);
        assertEquals(Set.of("send", "sync"), s.operations());
        assertEquals(Set.of("node-1"), s.peers());
        assertEquals(3.0, s.weights().get("latency"));
        assertEquals(1.0, s.weights().get("error"));
        assertEquals(Duration.ofMinutes(2), s.maxArm());
        assertEquals(null, Fakes.settings(true, 0.25, "send,*", "", "", 120, false).operations());
    }

    @Test
    void metricsCountPerInjector() throws Exception {
        ChaosEngine engine = engine(true, 1.0);
        engine.arm(ArmRequest.of(Duration.ofMinutes(1)).withInjector("latency", 1));
        run(engine, 7, "send", "");
        var m = engine.metrics();
        assertEquals("chaos", m.source());
        assertEquals(1.0, m.value("armed"));
        assertEquals(7.0, m.value("injections"));
        assertEquals(7.0, m.value("injectionsLatency"));
        assertEquals(0.0, m.value("injectionsError"));
        assertEquals(60_000.0, m.value("remainingMillis"));
    }
}
