package io.dwcp.resilience.manager.internal;

import static io.dwcp.resilience.manager.internal.Fixtures.registration;
import static io.dwcp.resilience.manager.internal.Fixtures.trace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StageUnavailableException;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.manager.internal.Fixtures.RecordingLog;
import io.dwcp.resilience.manager.internal.Fixtures.TracingStage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChainManagerTest {

    private final RecordingLog log = new RecordingLog();
    private final ChainManager manager = Fixtures.manager(log);

    @Test
    void stagesRunInCanonicalOrderWhateverTheOrderTheyArrive() throws Exception {
        List<StageKind> kinds = new ArrayList<>(List.of(StageKind.values()));
        java.util.Collections.reverse(kinds);
        for (StageKind kind : kinds) {
            manager.addStage(registration(new TracingStage(kind.id()), kind, 0));
        }
        assertEquals(List.of("chaos", "load-shed", "rate-limit", "bulkhead", "circuit-breaker", "retry", "timeout",
                "operation"), trace(manager, "send"));
        assertEquals(List.of(StageKind.values()),
                manager.chain("send").stages().stream().map(d -> d.kind()).toList());
    }

    @Test
    void higherRankingWinsAndTheOlderServiceBreaksATie() throws Exception {
        manager.addStage(registration(new TracingStage("low"), StageKind.RETRY, 1, 10L));
        manager.addStage(registration(new TracingStage("high"), StageKind.RETRY, 5, 11L));
        assertEquals(List.of("high", "operation"), trace(manager, "sync"));

        manager.addStage(registration(new TracingStage("high-newer"), StageKind.RETRY, 5, 12L));
        assertEquals(List.of("high", "operation"), trace(manager, "sync"));

        manager.removeStage(11L);
        assertEquals(List.of("high-newer", "operation"), trace(manager, "sync"));
    }

    @Test
    void anOperationSpecificStageBeatsAWildcardOneOfHigherRanking() throws Exception {
        manager.addStage(registration(new TracingStage("any"), StageKind.CIRCUIT_BREAKER, 100));
        manager.addStage(registration(new TracingStage("send-only"), StageKind.CIRCUIT_BREAKER, -5, "send"));
        assertEquals(List.of("send-only", "operation"), trace(manager, "send"));
        assertEquals(List.of("any", "operation"), trace(manager, "receive"));
        assertEquals("send", manager.chain("send").stages().get(0).scope());
        assertEquals("*", manager.chain("receive").stages().get(0).scope());
    }

    @Test
    void aMissingKindIsBypassedOrRejectedAsThePolicySays() throws Exception {
        manager.addStage(registration(new TracingStage("retry"), StageKind.RETRY, 0));
        manager.configure(MissingStagePolicies.parse("dwcp.manager", "bypass",
                new String[] {"consensus:circuit-breaker=reject"}), 256);

        assertEquals(List.of("retry", "operation"), trace(manager, "send"));
        StageUnavailableException e = assertThrows(StageUnavailableException.class, () -> trace(manager, "consensus"));
        assertEquals("consensus: no circuit-breaker stage is available and the policy for this operation is reject",
                e.getMessage());
        assertEquals(List.of(StageKind.CIRCUIT_BREAKER), manager.chain("consensus").rejected());
        assertFalse(manager.chain("consensus").accepting());

        manager.addStage(registration(new TracingStage("breaker"), StageKind.CIRCUIT_BREAKER, 0, "consensus"));
        assertEquals(List.of("breaker", "retry", "operation"), trace(manager, "consensus"));
        assertTrue(manager.chain("consensus").accepting());
    }

    @Test
    void aCallStartedOnTheOldChainFinishesOnItAfterASwap() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Stage old = new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                Fixtures.TRACE.get().add("old");
                entered.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
                return next.proceed(inv);
            }
        };
        manager.addStage(registration(old, StageKind.BULKHEAD, 0, 1L));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> inFlight = pool.submit(() -> trace(manager, "send"));
            assertTrue(entered.await(10, TimeUnit.SECONDS));

            manager.addStage(registration(new TracingStage("new"), StageKind.BULKHEAD, 10, 2L));
            manager.removeStage(1L);
            assertEquals(List.of("new", "operation"), trace(manager, "send"));

            release.countDown();
            assertEquals(List.of("old", "operation"), inFlight.get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void countsOutcomesAndRecordsLatencyWithTheInjectedClock() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        manager.setClock(clock);
        for (int i = 0; i < 10; i++) {
            manager.execute("send", inv -> clock.advance(java.time.Duration.ofMillis(5)));
        }
        assertThrows(IOException.class, () -> manager.execute("send", inv -> {
            clock.advance(java.time.Duration.ofMillis(200));
            throw new IOException("link down");
        }));
        assertThrows(CallNotPermittedException.class, () -> manager.execute("send", inv -> {
            throw new CallNotPermittedException("send", "OPEN", "");
        }));
        assertThrows(DeadlineExceededException.class, () -> manager.execute("send", inv -> {
            throw new DeadlineExceededException("send", 1_000_000, "");
        }));

        OperationMetrics m = manager.metrics("send");
        assertEquals(13, m.calls());
        assertEquals(10, m.successes());
        assertEquals(1, m.failures());
        assertEquals(1, m.rejections());
        assertEquals(1, m.timeouts());
        assertEquals(13, m.latency().count());
        long p50 = m.latency().p50Nanos();
        assertTrue(Math.abs(p50 - 5_000_000) <= 50_000, "p50 " + p50);
        long max = m.latency().maxNanos();
        assertTrue(Math.abs(max - 200_000_000) <= 2_000_000, "max " + max);
        assertEquals(0, manager.metrics("receive").calls());
    }

    @Test
    void observersLearnEveryCallAndTheirFailuresDoNotReachTheCaller() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        manager.setClock(clock);
        List<String> seen = new ArrayList<>();
        manager.addObserver(1L, (inv, outcome, latency, failure) ->
                seen.add(inv.operation() + " " + inv.peer() + " " + outcome + " " + latency), java.util.Set.of());
        manager.addObserver(2L, (inv, outcome, latency, failure) -> seen.add("sync-only"), java.util.Set.of("sync"));
        manager.addObserver(3L, (inv, outcome, latency, failure) -> {
            throw new IllegalStateException("observer bug");
        }, java.util.Set.of());

        assertEquals("ok", manager.execute("send", "node-7", inv -> {
            clock.advanceNanos(42);
            return "ok";
        }));
        assertThrows(IllegalArgumentException.class, () -> manager.execute("sync", inv -> {
            throw new IllegalArgumentException("bad");
        }));

        assertEquals(List.of("send node-7 SUCCESS 42", "sync  FAILURE 0", "sync-only"), seen);
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("observer bug")));

        manager.removeObserver(1L);
        manager.execute("send", inv -> "ok");
        assertEquals(3, seen.size());
    }

    @Test
    void invocationsCarryTheCallAndAreReusedWithoutLeakingState() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        clock.advanceNanos(1234);
        manager.setClock(clock);
        Invocation[] first = new Invocation[1];
        manager.execute("sync", "peer-a", inv -> {
            assertEquals("sync", inv.operation());
            assertEquals("peer-a", inv.peer());
            assertEquals(1, inv.attempt());
            assertEquals(1234, inv.startNanos());
            assertFalse(inv.hasDeadline());
            assertSame(clock, inv.timeSource());
            inv.setAttribute("k", "v");
            first[0] = inv;
            return null;
        });
        manager.execute("send", inv -> {
            assertSame(first[0], inv, "the thread's invocation is reused");
            assertEquals(null, inv.attribute("k"), "attributes do not leak into the next call");
            assertEquals(Invocation.NO_PEER, inv.peer());
            // a nested call on the same thread gets its own invocation
            manager.execute("receive", nested -> {
                assertFalse(nested == inv);
                assertEquals("receive", nested.operation());
                return null;
            });
            assertEquals("send", inv.operation());
            return null;
        });
    }

    @Test
    void aDetachedInvocationOutlivesTheCall() throws Exception {
        Invocation[] detached = new Invocation[1];
        manager.execute("send", "peer-b", inv -> {
            inv.setAttribute("id", 7);
            inv.setDeadlineNanos(99);
            detached[0] = inv.detach();
            return null;
        });
        manager.execute("receive", inv -> null);
        assertEquals("send", detached[0].operation());
        assertEquals("peer-b", detached[0].peer());
        assertEquals(7, detached[0].attribute("id"));
        assertEquals(99, detached[0].deadlineNanos());
    }

    @Test
    void aStageCanSendTheRestOfTheChainToAnotherPeer() throws Exception {
        List<String> peers = new ArrayList<>();
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                try {
                    return next.proceed(inv);
                } catch (IOException e) {
                    return next.proceed(inv.detachTo("peer-c"));
                }
            }
        }, StageKind.RETRY, 0));
        Object result = manager.execute("send", "peer-b", inv -> {
            peers.add(inv.peer());
            if (inv.peer().equals("peer-b")) {
                throw new IOException("peer-b is down");
            }
            return "from " + inv.peer();
        });
        assertEquals("from peer-c", result);
        assertEquals(List.of("peer-b", "peer-c"), peers);
    }

    @Test
    void attributesCanBeSetReplacedAndRemoved() throws Exception {
        manager.execute("send", inv -> {
            for (int i = 0; i < 10; i++) {
                inv.setAttribute("k" + i, i);
            }
            inv.setAttribute("k3", "three");
            inv.setAttribute("k0", null);
            assertEquals("three", inv.attribute("k3"));
            assertEquals(null, inv.attribute("k0"));
            assertEquals(9, inv.attribute("k9"));
            assertThrows(IllegalArgumentException.class, () -> inv.setAttempt(0));
            return null;
        });
    }

    @Test
    void newOperationsAreValidatedAndBounded() throws Exception {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> manager.execute("Bad Name!", inv -> null));
        assertTrue(bad.getMessage().contains("'Bad Name!'"));

        manager.configure(MissingStagePolicies.ALL_BYPASS, 6);
        manager.execute("gossip", inv -> null);
        manager.execute("heartbeat", inv -> null);
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> manager.execute("one-too-many", inv -> null));
        assertTrue(full.getMessage().contains("max.operations"), full.getMessage());
        assertTrue(manager.operations().containsAll(List.of("send", "receive", "sync", "consensus", "gossip",
                "heartbeat")));
    }

    @Test
    void stagesNamingAnOperationMakeItKnown() {
        manager.addStage(registration(new TracingStage("cb"), StageKind.CIRCUIT_BREAKER, 0, "gossip"));
        assertTrue(manager.operations().contains("gossip"));
        assertEquals(1, manager.chain("gossip").stages().size());
        assertEquals(0, manager.chain("send").stages().size());
    }

    /** An interceptor that fails the operation with {@code message}. */
    private static Stage throwing(String message) {
        return new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                throw new IOException(message);
            }
        };
    }

    /** An outer stage that makes every attempt of the call fail innermost, like the chaos stage. */
    private static final class FailInnermost implements Stage {
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger operationsReached = new AtomicInteger();

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            inv.interceptOperation(new Stage() {
                @Override
                public <U> U execute(Invocation i, Next<U> n) throws Exception {
                    ran.incrementAndGet();
                    throw new IOException("injected, attempt " + i.attempt());
                }
            });
            return next.proceed(inv);
        }
    }

    /** A fake breaker: counts the failures it sees from the rest of the chain. */
    private static final class CountingBreaker implements Stage {
        final List<String> failures = new ArrayList<>();

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            try {
                return next.proceed(inv);
            } catch (Exception | Error e) {
                failures.add(e.getMessage());
                throw e;
            }
        }
    }

    /** A fake retry: proceeds {@code attempts} times, rethrowing the last failure. */
    private static final class TwoAttempts implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            try {
                return next.proceed(inv);
            } catch (IOException first) {
                inv.setAttempt(2);
                return next.proceed(inv);
            }
        }
    }

    @Test
    void anInterceptorSetOutermostFailsTheOperationInsideEveryInnerStage() throws Exception {
        FailInnermost chaos = new FailInnermost();
        CountingBreaker breaker = new CountingBreaker();
        manager.addStage(registration(chaos, StageKind.CHAOS, 0));
        manager.addStage(registration(breaker, StageKind.CIRCUIT_BREAKER, 0));
        manager.addStage(registration(new TwoAttempts(), StageKind.RETRY, 0));
        AtomicInteger operationRan = new AtomicInteger();

        IOException e = assertThrows(IOException.class, () -> manager.execute("send", inv -> {
            operationRan.incrementAndGet();
            return null;
        }));

        assertEquals("injected, attempt 2", e.getMessage());
        assertEquals(2, chaos.ran.get(), "the interceptor runs on every attempt");
        assertEquals(List.of("injected, attempt 2"), breaker.failures, "the breaker saw the injected failure");
        assertEquals(0, operationRan.get(), "the interceptor did not proceed to the operation");
    }

    @Test
    void anInterceptorThatProceedsRunsTheOperationOnceAndItsResultComesBack() throws Exception {
        List<String> order = new ArrayList<>();
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                inv.interceptOperation(new Stage() {
                    @Override
                    public <U> U execute(Invocation i, Next<U> n) throws Exception {
                        order.add("interceptor");
                        U result = n.proceed(i);
                        order.add("interceptor after");
                        return result;
                    }
                });
                order.add("chaos");
                return next.proceed(inv);
            }
        }, StageKind.CHAOS, 0));
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                order.add("timeout");
                return next.proceed(inv);
            }
        }, StageKind.TIMEOUT, 0));

        assertEquals("result", manager.execute("send", inv -> {
            order.add("operation");
            return "result";
        }));
        assertEquals(List.of("chaos", "timeout", "interceptor", "operation", "interceptor after"), order);
    }

    @Test
    void anInterceptorDoesNotLeakIntoTheNextCallOnTheSameThread() throws Exception {
        manager.execute("send", inv -> {
            inv.interceptOperation(throwing("leaked"));
            return null;
        });
        assertEquals("ok", manager.execute("send", inv -> "ok"));

        // removal with null
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                inv.interceptOperation(throwing("removed"));
                inv.interceptOperation(null);
                return next.proceed(inv);
            }
        }, StageKind.CHAOS, 0));
        assertEquals("ok", manager.execute("send", inv -> "ok"));
    }

    @Test
    void aSecondInterceptorReplacesTheFirst() throws Exception {
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                inv.interceptOperation(throwing("first"));
                inv.interceptOperation(throwing("second"));
                return next.proceed(inv);
            }
        }, StageKind.CHAOS, 0));
        assertEquals("second", assertThrows(IOException.class, () -> manager.execute("send", inv -> "ok"))
                .getMessage());
    }

    @Test
    void aDetachedInvocationCarriesTheInterceptor() throws Exception {
        Invocation[] detached = new Invocation[1];
        Next<?>[] rest = new Next<?>[1];
        manager.addStage(registration(new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                inv.interceptOperation(new Stage() {
                    @Override
                    public <U> U execute(Invocation i, Next<U> n) throws Exception {
                        throw new IOException("intercepted on " + i.operation());
                    }
                });
                return next.proceed(inv);
            }
        }, StageKind.CHAOS, 0, "send"));
        manager.addStage(registration(new Stage() { // like a thread-pool bulkhead that hands the call on
            @Override
            public <T> T execute(Invocation inv, Next<T> next) {
                detached[0] = inv.detach();
                rest[0] = next;
                return null;
            }
        }, StageKind.BULKHEAD, 0, "send"));
        manager.execute("send", inv -> "ok");
        manager.execute("receive", inv -> "ok"); // reuses and clears the pooled invocation

        assertEquals("intercepted on send",
                assertThrows(IOException.class, () -> rest[0].proceed(detached[0])).getMessage());
    }

    @Test
    void outcomesAreClassified() {
        assertEquals(CallOutcome.SUCCESS, CallOutcome.of(null));
        assertEquals(CallOutcome.REJECTED, CallOutcome.of(new StageUnavailableException("send", "retry")));
        assertEquals(CallOutcome.TIMEOUT, CallOutcome.of(new DeadlineExceededException("send", 5, "")));
        assertEquals(CallOutcome.FAILURE, CallOutcome.of(new IOException()));
    }

    // ---------------------------------------------------------------- open slots

    private static StageRegistration custom(String kind, String position, int ranking, long serviceId,
            String... operations) {
        return new StageRegistration(new TracingStage(kind + "@" + serviceId), null, java.util.Set.of(operations),
                ranking, serviceId, "third.party", "1.0.0", kind, io.dwcp.resilience.api.StagePosition.parse(position));
    }

    @Test
    void aKindOfItsOwnRunsAtTheSlotItStatesAndTheBuiltInSevenKeepTheirOrder() throws Exception {
        for (StageKind kind : StageKind.values()) {
            manager.addStage(registration(new TracingStage(kind.id()), kind, 0));
        }
        manager.addStage(custom("hedge", "after:retry", 0, 501L));
        manager.addStage(custom("fallback", "after:chaos", 0, 502L));
        manager.addStage(custom("audit", "before:load-shed", 0, 503L));
        manager.addStage(custom("zeta", "after:chaos", 0, 504L));
        manager.addStage(custom("inner", "after:timeout", 0, 505L));

        assertEquals(List.of("chaos", "fallback@502", "zeta@504", "audit@503", "load-shed", "rate-limit", "bulkhead",
                "circuit-breaker", "retry", "hedge@501", "timeout", "inner@505", "operation"), trace(manager, "send"));
        var view = manager.chain("send");
        assertEquals(List.of("chaos", "fallback", "zeta", "audit", "load-shed", "rate-limit", "bulkhead",
                "circuit-breaker", "retry", "hedge", "timeout", "inner"),
                view.allStages().stream().map(d -> d.kindId()).toList());
        assertEquals(List.of(StageKind.values()), view.stages().stream().map(d -> d.kind()).toList(),
                "stages() still lists the built-in kinds only");
        assertEquals("after:chaos", view.allStages().get(1).position().toString());
    }

    @Test
    void twoStagesOfOneCustomKindResolveByOperationThenRankingThenServiceId() throws Exception {
        manager.addStage(custom("fallback", "after:chaos", 100, 601L));
        manager.addStage(custom("fallback", "after:chaos", -5, 602L, "send"));
        assertEquals(List.of("fallback@602", "operation"), trace(manager, "send"), "operation-specific wins");
        assertEquals(List.of("fallback@601", "operation"), trace(manager, "sync"));

        manager.addStage(custom("fallback", "after:chaos", 200, 603L));
        assertEquals(List.of("fallback@603", "operation"), trace(manager, "sync"), "higher ranking wins");
        manager.addStage(custom("fallback", "after:chaos", 200, 604L));
        assertEquals(List.of("fallback@603", "operation"), trace(manager, "sync"), "older service breaks a tie");

        manager.removeStage(603L);
        assertEquals(List.of("fallback@604", "operation"), trace(manager, "sync"));
    }

    @Test
    void aCustomKindWithoutProviderIsNeitherMissingNorRejected() throws Exception {
        manager.configure(MissingStagePolicies.parse("dwcp.manager", "reject", new String[0]), 256);
        for (StageKind kind : StageKind.values()) {
            manager.addStage(registration(new TracingStage(kind.id()), kind, 0));
        }
        manager.addStage(custom("fallback", "after:chaos", 0, 701L));
        manager.removeStage(701L);
        var view = manager.chain("send");
        assertTrue(view.accepting());
        assertTrue(view.missing().isEmpty());
        assertEquals(8, trace(manager, "send").size());
    }

    @Test
    void aKindOfItsOwnNeedsAWellFormedIdAndAPosition() {
        assertEquals("after:chaos", ResilienceManagerComponent.customSlot("fallback", " After:Chaos ").toString());
        assertEquals("before:retry", ResilienceManagerComponent.customSlot("hedge", "before:retry").toString());
        String noPosition = assertThrows(IllegalArgumentException.class,
                () -> ResilienceManagerComponent.customSlot("fallback", null)).getMessage();
        assertTrue(noPosition.contains("dwcp.stage.position=before:<kind> or after:<kind>"), noPosition);
        String badAnchor = assertThrows(IllegalArgumentException.class,
                () -> ResilienceManagerComponent.customSlot("fallback", "after:hedge")).getMessage();
        assertTrue(badAnchor.contains("names 'hedge', not a built-in kind"), badAnchor);
        String badWord = assertThrows(IllegalArgumentException.class,
                () -> ResilienceManagerComponent.customSlot("fallback", "inside:retry")).getMessage();
        assertTrue(badWord.contains("is not before:<kind> or after:<kind>"), badWord);
        String badId = assertThrows(IllegalArgumentException.class,
                () -> ResilienceManagerComponent.customSlot("Fall Back", "after:chaos")).getMessage();
        assertTrue(badId.contains("stage kind 'Fall Back' is not lower-case"), badId);
    }
}
