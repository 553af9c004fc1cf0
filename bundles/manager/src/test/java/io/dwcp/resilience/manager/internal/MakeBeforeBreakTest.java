package io.dwcp.resilience.manager.internal;

import static io.dwcp.resilience.manager.internal.Fixtures.registration;
import static io.dwcp.resilience.manager.internal.Fixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StageUnavailableException;
import io.dwcp.resilience.manager.internal.Fixtures.RecordingLog;
import io.dwcp.resilience.manager.internal.Fixtures.TracingStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Make-before-break and the start-up gate: a call never runs without a kind whose provider is only
 * away for an update or not yet started. Time is a manual clock: a hold ends when the test says.
 */
@Timeout(20)
class MakeBeforeBreakTest {

    private static final HoldSettings HOLD = HoldSettings.parse("dwcp.manager",
            new String[] {ManagerConfig.DEFAULT_HOLD_KINDS}, 2000, 10_000, new String[] {ManagerConfig.DEFAULT_STAGE_PIDS});

    private final RecordingLog log = new RecordingLog();
    private final ManualTimeSource clock = new ManualTimeSource();
    private ChainManager manager;

    @BeforeEach
    void setUp() {
        manager = Fixtures.manager(log);
        manager.setClock(clock);
        manager.started();
        manager.configure(MissingStagePolicies.ALL_BYPASS, 256, HOLD);
    }

    @Test
    void aCompleteChainHoldsNothing() throws Exception {
        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, 1L));
        assertFalse(manager.chain("send").holding());
        assertEquals(List.of("breaker", "operation"), trace(manager, "send"));
        assertEquals(0, manager.metrics("send").held());
    }

    @Test
    void aKindNeverPresentIsNotAwaited() throws Exception {
        assertFalse(manager.chain("send").holding());
        assertEquals(List.of("operation"), trace(manager, "send"));
    }

    @Test
    void whileABreakerIsUpdatedCallsWaitAndRunThroughItsSuccessor() throws Exception {
        manager.addStage(registration(new TracingStage("breaker-1"), StageKind.CIRCUIT_BREAKER, 0, 1L));
        manager.removeStage(1L); // the bundle stops for its update

        assertEquals(List.of(StageKind.CIRCUIT_BREAKER), manager.chain("send").held());
        CompletableFuture<List<String>> call = CompletableFuture.supplyAsync(() -> traceUnchecked("send"));
        awaitHeld(call);
        assertFalse(call.isDone());

        manager.addStage(registration(new TracingStage("breaker-2"), StageKind.CIRCUIT_BREAKER, 0, 2L));
        assertEquals(List.of("breaker-2", "operation"), call.get(10, TimeUnit.SECONDS));
        assertEquals(1, manager.metrics("send").held());
        assertFalse(manager.chain("send").holding());
    }

    /**
     * {@code stop 0} stops the stage bundles one by one while clients still call: a held kind's
     * provider will not come back, so a call held for it would wait out the hold and then run without
     * it (bypass). Found by SwapsAndRestartIT: stopping the framework took the whole hold, then calls
     * of an operation whose breaker was OPEN could reach the peer. Once the framework stops, a call
     * missing a held kind is refused, and a call already held is released to that verdict at once.
     */
    @Test
    void whileTheFrameworkStopsAMissingHeldKindRefusesTheCallInsteadOfHoldingIt() throws Exception {
        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, 1L, "send"));
        manager.removeStage(1L); // a held call, as during an update
        CompletableFuture<List<String>> held = CompletableFuture.supplyAsync(() -> traceUnchecked("send"));
        awaitHeld(held);

        manager.frameworkStopping();
        ExecutionException released = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        assertInstanceOf(StageUnavailableException.class, rootCause(released));
        assertFalse(manager.chain("send").holding());

        manager.addStage(registration(new TracingStage("bulkhead"), StageKind.BULKHEAD, 0, 2L, "send"));
        manager.removeStage(2L); // the next stage bundle stops: not held
        assertFalse(manager.chain("send").holding());
        assertThrows(StageUnavailableException.class, () -> trace(manager, "send"));
        assertEquals(List.of("operation"), trace(manager, "consensus"), "a kind its chain never had is not refused");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void whenTheHoldExpiresTheMissingStagePolicyApplies() throws Exception {
        manager.configure(MissingStagePolicies.parse("dwcp.manager", "bypass",
                new String[] {"consensus:circuit-breaker=reject"}), 256, HOLD);
        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, 1L));
        manager.removeStage(1L); // uninstalled for good

        CompletableFuture<List<String>> send = CompletableFuture.supplyAsync(() -> traceUnchecked("send"));
        CompletableFuture<List<String>> consensus = CompletableFuture.supplyAsync(() -> traceUnchecked("consensus"));
        awaitHeld(send);
        awaitHeld(consensus);
        clock.advance(Duration.ofMillis(1999));
        manager.expireHolds();
        assertTrue(manager.chain("send").holding());
        clock.advance(Duration.ofMillis(1));
        manager.expireHolds();

        assertEquals(List.of("operation"), send.get(10, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> consensus.get(10, TimeUnit.SECONDS));
        assertInstanceOf(StageUnavailableException.class, e.getCause());
        assertFalse(manager.chain("send").holding());
        assertEquals(List.of("operation"), trace(manager, "send")); // no more waiting
    }

    @Test
    void theViewShowsTheHoldOverEvenWhenNoCallEndedIt() {
        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, 1L));
        manager.removeStage(1L);
        assertTrue(manager.chain("send").holding());
        clock.advance(Duration.ofMillis(2000));
        assertFalse(manager.chain("send").holding());
        assertTrue(manager.chain("send").missing().contains(StageKind.CIRCUIT_BREAKER));
    }

    @Test
    void aKindNotHeldIsBypassedAtOnce() throws Exception {
        manager.addStage(registration(new TracingStage("retry"), StageKind.RETRY, 0, 1L));
        manager.removeStage(1L);
        assertFalse(manager.chain("send").holding());
        assertEquals(List.of("operation"), trace(manager, "send"));
    }

    @Test
    void theStartUpGateHoldsCallsUntilTheConfiguredKindsAreBound() throws Exception {
        manager.expectConfigured(Map.of("send", Set.of(StageKind.CIRCUIT_BREAKER, StageKind.RETRY),
                "*", Set.of(StageKind.LOAD_SHED)));
        assertEquals(List.of(StageKind.LOAD_SHED, StageKind.CIRCUIT_BREAKER, StageKind.RETRY),
                manager.chain("send").held());
        assertEquals(List.of(StageKind.LOAD_SHED), manager.chain("receive").held());

        CompletableFuture<List<String>> call = CompletableFuture.supplyAsync(() -> traceUnchecked("send"));
        awaitHeld(call);
        manager.addStage(registration(new TracingStage("shed"), StageKind.LOAD_SHED, 0, 1L));
        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, 2L, "send"));
        assertFalse(call.isDone());
        manager.addStage(registration(new TracingStage("retry"), StageKind.RETRY, 0, 3L, "send"));
        assertEquals(List.of("shed", "breaker", "retry", "operation"), call.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theStartUpGateEndsWithItsGracePeriod() throws Exception {
        manager.expectConfigured(Map.of("send", Set.of(StageKind.CIRCUIT_BREAKER)));
        CompletableFuture<List<String>> call = CompletableFuture.supplyAsync(() -> traceUnchecked("send"));
        awaitHeld(call);
        clock.advance(Duration.ofSeconds(10));
        manager.expireHolds();
        assertEquals(List.of("operation"), call.get(10, TimeUnit.SECONDS));

        manager.expectConfigured(Map.of("sync", Set.of(StageKind.CIRCUIT_BREAKER))); // too late: no gate
        assertFalse(manager.chain("sync").holding());
    }

    private List<String> traceUnchecked(String operation) {
        try {
            return trace(manager, operation);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** Waits (real time, bounded by the class timeout) until the call has entered its hold. */
    private static void awaitHeld(CompletableFuture<?> call) throws InterruptedException {
        // The caller parks in Object.wait; there is no event to wait for, so poll its state briefly.
        for (int i = 0; i < 50 && !call.isDone(); i++) {
            Thread.sleep(2);
        }
        assertFalse(call.isDone(), "the call should be held");
    }
}
