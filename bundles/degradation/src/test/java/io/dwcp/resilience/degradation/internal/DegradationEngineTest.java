package io.dwcp.resilience.degradation.internal;

import static io.dwcp.resilience.api.degradation.DegradationLevel.DEGRADED;
import static io.dwcp.resilience.api.degradation.DegradationLevel.EMERGENCY;
import static io.dwcp.resilience.api.degradation.DegradationLevel.NORMAL;
import static io.dwcp.resilience.api.degradation.DegradationLevel.SEVERELY_DEGRADED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DegradationEngineTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<LevelChange> changes = new ArrayList<>();

    private static DegradationSettings settings(Map<String, Object> overrides) {
        return DegradationSettings.from(Configs.of("dwcp.degradation", overrides));
    }

    private DegradationEngine engine() {
        return engine(Map.of());
    }

    private DegradationEngine engine(Map<String, Object> config) {
        return new DegradationEngine(clock, settings(config), changes::add);
    }

    /** Records {@code calls} calls of {@code op}: the first {@code errors} fail, the first {@code slow} take {@code slowMs}. */
    private static void calls(DegradationEngine engine, String op, int calls, int errors, int slow, long slowMs) {
        for (int i = 0; i < calls; i++) {
            engine.onCall(op, i < errors ? CallOutcome.FAILURE : CallOutcome.SUCCESS, i < slow ? slowMs * MS : 5 * MS);
        }
    }

    private void tick(DegradationEngine engine) {
        clock.advance(Duration.ofSeconds(1));
        engine.tick();
    }

    private DegradationLevel levelAfter(int calls, int errors, int slow, long slowMs, String op) {
        DegradationEngine engine = engine();
        calls(engine, op, calls, errors, slow, slowMs);
        tick(engine);
        return engine.level(op);
    }

    // ---- the automatic table -------------------------------------------------------------------

    @Test
    void errorRateAgainstTheOnePercentThresholdFollowsTheTable() {
        assertEquals(NORMAL, levelAfter(1_000, 10, 0, 0, "send"), "1.0% is 1x: not above");
        assertEquals(DEGRADED, levelAfter(1_000, 11, 0, 0, "send"), "1.1% > 1x");
        assertEquals(DEGRADED, levelAfter(1_000, 15, 0, 0, "send"), "1.5% is 1.5x: not above");
        assertEquals(SEVERELY_DEGRADED, levelAfter(1_000, 16, 0, 0, "send"), "1.6% > 1.5x");
        assertEquals(SEVERELY_DEGRADED, levelAfter(1_000, 20, 0, 0, "send"), "2.0% is 2x: not above");
        assertEquals(EMERGENCY, levelAfter(1_000, 21, 0, 0, "send"), "2.1% > 2x");
    }

    @Test
    void p95LatencyAgainstTheOperationsThresholdFollowsTheTable() {
        // send: 100 ms. p95 is above x exactly when more than 5% of the calls are slower than x
        assertEquals(NORMAL, levelAfter(1_000, 0, 50, 500, "send"), "5% slow: p95 not above");
        assertEquals(DEGRADED, levelAfter(1_000, 0, 51, 120, "send"));
        assertEquals(DEGRADED, levelAfter(1_000, 0, 51, 150, "send"), "150 ms is 1.5x: not above");
        assertEquals(SEVERELY_DEGRADED, levelAfter(1_000, 0, 51, 160, "send"));
        assertEquals(EMERGENCY, levelAfter(1_000, 0, 51, 201, "send"));
        // sync: 500 ms, consensus: 1 s
        assertEquals(NORMAL, levelAfter(1_000, 0, 100, 450, "sync"));
        assertEquals(DEGRADED, levelAfter(1_000, 0, 100, 600, "sync"));
        assertEquals(SEVERELY_DEGRADED, levelAfter(1_000, 0, 100, 1_600, "consensus"));
        assertEquals(EMERGENCY, levelAfter(1_000, 0, 100, 2_100, "unlisted-op"), "others: 1 s");
    }

    @Test
    void receiveLatencyIsNotJudgedByDefaultButItsErrorsAre() {
        // an idle node's receive(200 ms) polls all take the full 200 ms: no symptom of anything
        assertEquals(NORMAL, levelAfter(1_000, 0, 1_000, 200, "receive"));
        assertEquals(NORMAL, levelAfter(1_000, 0, 1_000, 60_000, "receive"));
        assertEquals(EMERGENCY, levelAfter(1_000, 21, 1_000, 200, "receive"), "2.1% errors > 2x");
        DegradationEngine engine = engine();
        calls(engine, "receive", 1_000, 0, 1_000, 200);
        tick(engine);
        ComponentLevel receive = engine.components().stream().filter(c -> c.component().equals("receive")).findFirst().orElseThrow();
        assertTrue(receive.reason().contains("latency not judged"), receive.reason());
    }

    @Test
    void aZeroLatencyThresholdTurnsAnyOperationsLatencySignalOff() {
        DegradationEngine engine = engine(Map.of("latency_thresholds_ms", "send:0"));
        calls(engine, "send", 1_000, 0, 1_000, 5_000);
        tick(engine);
        assertEquals(NORMAL, engine.level("send"));
    }

    @Test
    void theWorseOfErrorRateAndLatencyWinsAndTheReasonSaysWhy() {
        DegradationEngine engine = engine();
        calls(engine, "send", 1_000, 11, 51, 250);
        tick(engine);
        assertEquals(EMERGENCY, engine.level("send"));
        ComponentLevel send = engine.components().stream().filter(c -> c.component().equals("send")).findFirst().orElseThrow();
        assertTrue(send.reason().contains("error rate 1.100% = 1.10x the 1.000% threshold"), send.reason());
        assertTrue(send.reason().contains("p95 latency above 200 ms (2.0x the 100 ms threshold)"), send.reason());
    }

    @Test
    void tooFewCallsAreNotJudged() {
        assertEquals(NORMAL, levelAfter(99, 99, 99, 5_000, "send"));
        assertEquals(EMERGENCY, levelAfter(100, 100, 0, 0, "send"));
    }

    @Test
    void rejectedCallsAreNeitherErrorsNorCalls() {
        DegradationEngine engine = engine();
        for (int i = 0; i < 10_000; i++) {
            engine.onCall("receive", CallOutcome.REJECTED, 0);
        }
        calls(engine, "receive", 200, 2, 0, 0);
        tick(engine);
        assertEquals(NORMAL, engine.level("receive"), "2 errors in 200 calls that ran is 1%: not above");
        assertEquals(200, engine.window("receive").orElseThrow().calls());
    }

    @Test
    void timeoutsCountAsErrors() {
        DegradationEngine engine = engine();
        for (int i = 0; i < 100; i++) {
            engine.onCall("send", i < 3 ? CallOutcome.TIMEOUT : CallOutcome.SUCCESS, MS);
        }
        tick(engine);
        assertEquals(EMERGENCY, engine.level("send"));
    }

    @Test
    void theTableFactorsAreConfigurable() {
        DegradationEngine engine = engine(Map.of("table_degraded", 2.0, "table_severely_degraded", 3.0, "table_emergency", 4.0));
        calls(engine, "send", 1_000, 25, 0, 0);
        tick(engine);
        assertEquals(DEGRADED, engine.level("send"));
    }

    // ---- window and hysteresis -----------------------------------------------------------------

    @Test
    void aBurstLeavesTheWindowAfterThirtySecondsAndTheLevelDropsAfterTheSixtySecondHold() {
        DegradationEngine engine = engine();
        calls(engine, "send", 1_000, 30, 0, 0);
        tick(engine); // t = 1 s
        assertEquals(EMERGENCY, engine.level("send"));
        for (int t = 2; t <= 30; t++) {
            tick(engine);
            assertEquals(EMERGENCY, engine.level("send"), "the burst is still in the window at " + t + " s");
        }
        tick(engine); // t = 31 s: the burst's slot is reused; too few calls: signal NORMAL, the hold starts
        assertEquals(EMERGENCY, engine.level("send"));
        for (int t = 32; t <= 90; t++) {
            tick(engine);
            assertEquals(EMERGENCY, engine.level("send"), "held at " + t + " s");
        }
        tick(engine); // t = 91 s: 60 s below
        assertEquals(NORMAL, engine.level("send"));
        assertEquals(List.of("send NORMAL->EMERGENCY", "* NORMAL->EMERGENCY", "send EMERGENCY->NORMAL", "* EMERGENCY->NORMAL"),
                changes.stream().map(c -> c.component() + " " + c.from() + "->" + c.to()).toList());
    }

    @Test
    void recoveryStepsDownThroughTheLevelsTheSignalPassed() {
        DegradationEngine engine = engine(Map.of("recovery_hold_ms", 10_000L, "window_ms", 1_000L));
        calls(engine, "send", 1_000, 30, 0, 0);
        tick(engine); // EMERGENCY
        calls(engine, "send", 1_000, 12, 0, 0);
        tick(engine); // signal DEGRADED: hold starts at 2 s
        for (int t = 3; t <= 12; t++) {
            calls(engine, "send", 1_000, 0, 0, 0);
            tick(engine);
        }
        assertEquals(DEGRADED, engine.level("send"), "after 10 s below, down to the worst signal seen meanwhile");
        for (int t = 13; t <= 21; t++) {
            calls(engine, "send", 1_000, 0, 0, 0);
            tick(engine);
            assertEquals(DEGRADED, engine.level("send"), "a new hold for the next step, at " + t + " s");
        }
        calls(engine, "send", 1_000, 0, 0, 0);
        tick(engine);
        assertEquals(NORMAL, engine.level("send"));
    }

    @Test
    void aFlappingSignalDoesNotFlapTheLevel() {
        DegradationEngine engine = engine(Map.of("recovery_hold_ms", 10_000L, "window_ms", 1_000L));
        for (int t = 1; t <= 60; t++) {
            calls(engine, "send", 1_000, t % 5 == 0 ? 12 : 0, 0, 0); // bad every 5 s
            tick(engine);
        }
        assertEquals(2, changes.size(), "one rise (send and overall), no fall: " + changes);
    }

    // ---- triggers --------------------------------------------------------------------------------

    @Test
    void anUnhealthyCheckDegradesAtOnceAndRecoversAfterTheHold() {
        DegradationEngine engine = engine();
        engine.health("transport", HealthStatus.UNHEALTHY, "only 1 of 3 targets answered");
        assertEquals(DEGRADED, engine.level("health/transport"));
        assertEquals(DEGRADED, engine.level());
        assertEquals(List.of("health/transport", "*"), changes.stream().map(LevelChange::component).toList());
        assertTrue(changes.get(1).reason().contains("worst component health/transport at DEGRADED"), changes.get(1).reason());
        engine.health("transport", HealthStatus.HEALTHY, "all answered");
        clock.advance(Duration.ofSeconds(59));
        engine.tick();
        assertEquals(DEGRADED, engine.level());
        clock.advance(Duration.ofSeconds(1));
        engine.tick();
        assertEquals(NORMAL, engine.level());
    }

    @Test
    void healthStatusesMapByTheSettings() {
        DegradationEngine engine = engine();
        engine.health("a", HealthStatus.DEGRADED, "");
        engine.health("b", HealthStatus.UNKNOWN, "");
        assertEquals(NORMAL, engine.level(), "by default a DEGRADED check is no trigger, nor an UNKNOWN one");
        engine.update(settings(Map.of("health_degraded_level", "severely-degraded")));
        assertEquals(SEVERELY_DEGRADED, engine.level("health/a"), "settings re-map the statuses at once");
        engine.health("c", HealthStatus.UNHEALTHY, "");
        engine.update(settings(Map.of("health_unhealthy_level", "EMERGENCY")));
        assertEquals(EMERGENCY, engine.level());
    }

    @Test
    void anExhaustedBudgetDegradesUntilItRecovers() {
        DegradationEngine engine = engine(Map.of("recovery_hold_ms", 0L));
        engine.budget("send", true, "0 of 43 allowed failures left");
        assertEquals(DEGRADED, engine.level("slo/send"));
        assertEquals(DEGRADED, engine.level());
        engine.budget("send", false, "");
        assertEquals(NORMAL, engine.level());
    }

    @Test
    void theOverallLevelIsTheWorstComponent() {
        DegradationEngine engine = engine();
        engine.health("a", HealthStatus.UNHEALTHY, "");
        calls(engine, "send", 1_000, 16, 0, 0);
        tick(engine);
        assertEquals(SEVERELY_DEGRADED, engine.level());
        assertEquals(DEGRADED, engine.level("health/a"));
        assertEquals(NORMAL, engine.level("never-seen"));
    }

    // ---- overrides -------------------------------------------------------------------------------

    @Test
    void anOverrideActsAtOnceBothWaysAndExpires() {
        DegradationEngine engine = engine();
        engine.override("send", EMERGENCY, Duration.ofMinutes(10).toNanos(), "drill");
        assertEquals(EMERGENCY, engine.level("send"));
        assertEquals(EMERGENCY, engine.level());
        engine.override("*", NORMAL, Duration.ofMinutes(5).toNanos(), "false alarm");
        assertEquals(NORMAL, engine.level(), "an overall override beats the worst component");
        assertEquals(EMERGENCY, engine.level("send"));
        ComponentLevel overall = engine.components().get(0);
        assertTrue(overall.overridden());
        assertEquals(EMERGENCY, overall.computed());

        clock.advance(Duration.ofMinutes(5));
        engine.tick();
        assertEquals(EMERGENCY, engine.level(), "the overall override expired");
        clock.advance(Duration.ofMinutes(5));
        engine.tick();
        assertEquals(NORMAL, engine.level("send"), "the send override expired; no signal under it");
        assertFalse(engine.clearOverride("send"));
    }

    @Test
    void clearingAnOverrideReturnsToTheComputedLevel() {
        DegradationEngine engine = engine();
        engine.health("a", HealthStatus.UNHEALTHY, "");
        engine.override("health/a", NORMAL, Duration.ofHours(1).toNanos(), "known issue");
        assertEquals(NORMAL, engine.level());
        assertTrue(engine.clearOverride("health/a"));
        assertEquals(DEGRADED, engine.level());
    }

    @Test
    void overridesSurviveARestartThroughTheirRecords() {
        DegradationEngine engine = engine();
        engine.override("*", SEVERELY_DEGRADED, Duration.ofMinutes(10).toNanos(), "maintenance");
        engine.override("sync", EMERGENCY, Duration.ofSeconds(30).toNanos(), "short");
        List<OverrideRecord> kept = OverrideCodec.decode(OverrideCodec.encode(engine.overrides()));
        clock.advance(Duration.ofMinutes(1));
        DegradationEngine restarted = engine();
        assertEquals(1, restarted.restore(kept), "the 30 s override has expired meanwhile");
        assertEquals(SEVERELY_DEGRADED, restarted.level());
        clock.advance(Duration.ofMinutes(9));
        restarted.tick();
        assertEquals(NORMAL, restarted.level(), "it still ends when it was meant to");
    }

    @Test
    void refusesNonsenseOverrides() {
        DegradationEngine engine = engine();
        assertThrows(IllegalArgumentException.class, () -> engine.override(" ", DEGRADED, 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> engine.override("send", DEGRADED, 0, "x"));
    }

    // ---- features ----------------------------------------------------------------------------------

    @Test
    void featuresSwitchOffAsTheLevelWorsens() {
        DegradationEngine engine = engine();
        Map<DegradationLevel, Set<String>> on = new HashMap<>();
        for (DegradationLevel level : DegradationLevel.values()) {
            engine.override("*", level, Duration.ofMinutes(1).toNanos(), "test");
            on.put(level, engine.enabledFeatures());
        }
        assertEquals(Set.of("chaos", "telemetry.detailed", "prefetch", "compression", "background.sync", "peer.discovery",
                "heartbeat"), on.get(NORMAL));
        assertEquals(Set.of("compression", "background.sync", "peer.discovery", "heartbeat"), on.get(DEGRADED));
        assertEquals(Set.of("peer.discovery", "heartbeat"), on.get(SEVERELY_DEGRADED));
        assertEquals(Set.of("heartbeat"), on.get(EMERGENCY));
        assertTrue(engine.isFeatureEnabled("heartbeat"));
        assertFalse(engine.isFeatureEnabled("chaos"));
        assertFalse(engine.isFeatureEnabled("unconfigured"), "an unlisted feature is on only at NORMAL by default");
        engine.clearOverride("*");
        assertTrue(engine.isFeatureEnabled("unconfigured"));
    }

    @Test
    void tracksABoundedNumberOfOperations() {
        DegradationEngine engine = engine();
        for (int i = 0; i < DegradationEngine.MAX_OPERATIONS + 10; i++) {
            engine.onCall("op" + i, CallOutcome.FAILURE, 0);
        }
        tick(engine);
        assertEquals(DegradationEngine.MAX_OPERATIONS + 1, engine.components().size());
    }
}
