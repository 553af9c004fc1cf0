package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.testkit.TestInvocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutControllerTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<long[]> changes = new ArrayList<>();
    private ForcedRunner runner;

    @AfterEach
    void closeRunner() {
        if (runner != null) {
            runner.close();
        }
    }

    private TimeoutController controller(String... keyValues) {
        return new TimeoutController("send", TimeoutSettings.from("dwcp.timeout~send", TimeoutSettingsTest.config(keyValues)),
                new TimeoutMetrics(), (op, from, to) -> changes.add(new long[] {from, to}), clock.nanoTime());
    }

    @Test
    void theRestOfTheChainSeesTheDeadlineStartPlusTimeoutAndTheOuterOneIsRestored() throws Exception {
        TimeoutController c = controller("timeout.ms", "500");
        clock.advanceNanos(7 * MS);
        TestInvocation inv = new TestInvocation("send", clock);
        AtomicLong seen = new AtomicLong();

        c.execute(inv, i -> {
            seen.set(i.deadlineNanos());
            return "ok";
        });

        assertEquals(inv.startNanos() + 500 * MS, seen.get());
        assertEquals(Invocation.NO_DEADLINE, inv.deadlineNanos());
    }

    @Test
    void anEarlierOuterDeadlineIsKept() throws Exception {
        TimeoutController c = controller("timeout.ms", "500");
        TestInvocation inv = new TestInvocation("send", clock, 200 * MS);
        AtomicLong seen = new AtomicLong();

        c.execute(inv, i -> {
            seen.set(i.deadlineNanos());
            return "ok";
        });

        assertEquals(200 * MS, seen.get());
        assertEquals(200 * MS, inv.deadlineNanos());
    }

    @Test
    void theOuterDeadlineIsRestoredWhenTheCallFails() {
        TimeoutController c = controller("timeout.ms", "500");
        TestInvocation inv = new TestInvocation("send", clock, 900 * MS);

        assertThrows(IOException.class, () -> c.execute(inv, i -> {
            throw new IOException("refused");
        }));
        assertEquals(900 * MS, inv.deadlineNanos());
        assertEquals(1, c.metrics().failures.sum());
    }

    @Test
    void aRetryAttemptStartsItsTimeoutFromNowNotFromTheCallsStart() throws Exception {
        TimeoutController c = controller("timeout.ms", "500");
        TestInvocation inv = new TestInvocation("send", clock);
        clock.advanceNanos(300 * MS);
        inv.setAttempt(2);
        AtomicLong seen = new AtomicLong();

        c.execute(inv, i -> {
            seen.set(i.deadlineNanos());
            return "ok";
        });
        assertEquals(800 * MS, seen.get());
    }

    @Test
    void aDeadlineExceededFromTheCallIsReportedWithTheOperationAndTheTimeout() {
        TimeoutController c = controller("timeout.ms", "500");
        DeadlineExceededException inner = new DeadlineExceededException("send", -1, "waiting for acknowledgement");

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> c.execute(new TestInvocation("send", clock), i -> {
                    clock.advanceNanos(500 * MS);
                    throw inner;
                }));

        assertEquals("send: deadline exceeded after 500 ms", e.getMessage());
        assertEquals(500 * MS, e.timeoutNanos());
        assertSame(inner, e.getSuppressed()[0]);
        assertEquals(1, c.metrics().timeouts.sum());
    }

    @Test
    void aFailureAfterTheDeadlineIsATimeout() {
        TimeoutController c = controller("timeout.ms", "500");
        SocketTimeoutException socket = new SocketTimeoutException("read timed out");

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> c.execute(new TestInvocation("send", clock), i -> {
                    clock.advanceNanos(501 * MS);
                    throw socket;
                }));
        assertSame(socket, e.getSuppressed()[0]);
    }

    @Test
    void withFailLateResultsAResultAfterTheDeadlineIsATimeoutAndAResultAtTheDeadlineIsNot() throws Exception {
        TimeoutController c = controller("timeout.ms", "500", "fail.late.results", "true");

        assertEquals("ok", c.execute(new TestInvocation("send", clock), i -> {
            clock.advanceNanos(500 * MS);
            return "ok";
        }));

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> c.execute(new TestInvocation("send", clock), i -> {
                    clock.advanceNanos(502 * MS);
                    return "late";
                }));
        assertTrue(e.getMessage().startsWith("send: deadline exceeded after 500 ms (the call returned 2 ms after"), e.getMessage());
        assertEquals(1, c.metrics().lateResults.sum());
        assertEquals(1, c.metrics().successes.sum());
    }

    @Test
    void aFixedTimeoutReadsNoClockOnTheSuccessPathAndALateResultStands() throws Exception {
        TimeoutController c = controller("timeout.ms", "500");
        AtomicLong reads = new AtomicLong();
        TimeSource counting = new TimeSource() {
            @Override
            public long nanoTime() {
                reads.incrementAndGet();
                return clock.nanoTime();
            }

            @Override
            public long currentTimeMillis() {
                return clock.currentTimeMillis();
            }
        };
        TestInvocation inv = new TestInvocation("send", counting);
        reads.set(0);

        assertEquals("late but done", c.execute(inv, i -> {
            clock.advanceNanos(900 * MS); // nothing in this call enforces the deadline
            return "late but done";
        }));

        assertEquals(0, reads.get(), "the deadline is enforced where calls block, not by reading the clock");
        assertEquals(1, c.metrics().successes.sum());
    }

    @Test
    void whenTheCallersDeadlineBindsTheMessageSaysSo() {
        TimeoutController c = controller("timeout.ms", "500", "fail.late.results", "true");
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> c.execute(new TestInvocation("send", clock, 100 * MS), i -> {
                    clock.advanceNanos(101 * MS);
                    return "late";
                }));
        assertEquals(-1, e.timeoutNanos());
        assertTrue(e.getMessage().contains("the caller's deadline, earlier than the 500 ms timeout"), e.getMessage());
    }

    @Test
    void theAdaptiveTimeoutFollowsSuccessesAndFailures() throws Exception {
        TimeoutController c = controller("mode", "adaptive", "timeout.ms", "1000");

        c.execute(new TestInvocation("send", clock), i -> {
            clock.advanceNanos(100 * MS);
            return "ok";
        });
        assertEquals(950 * MS, c.currentTimeoutNanos());

        c.execute(new TestInvocation("send", clock), i -> {
            clock.advanceNanos(600 * MS);
            return "ok";
        });
        assertEquals(1_200 * MS, c.currentTimeoutNanos(), "2 x 600 ms");

        assertThrows(IOException.class, () -> c.execute(new TestInvocation("send", clock), i -> {
            throw new IOException();
        }));
        assertEquals(1_320 * MS, c.currentTimeoutNanos());

        // The timeout in force for the next call is the adapted one.
        AtomicLong seen = new AtomicLong();
        TestInvocation inv = new TestInvocation("send", clock);
        c.execute(inv, i -> {
            seen.set(i.deadlineNanos() - i.startNanos());
            return "ok";
        });
        assertEquals(1_320 * MS, seen.get());
    }

    @Test
    void growingOnlyOnTimeoutsLeavesTheTimeoutAloneAfterAFastFailure() {
        TimeoutController c = controller("mode", "adaptive", "timeout.ms", "1000", "grow.on", "timeout");

        assertThrows(IOException.class, () -> c.execute(new TestInvocation("send", clock), i -> {
            throw new IOException();
        }));
        assertEquals(1_000 * MS, c.currentTimeoutNanos());

        assertThrows(DeadlineExceededException.class, () -> c.execute(new TestInvocation("send", clock), i -> {
            clock.advanceNanos(1_000 * MS);
            throw new DeadlineExceededException("send", -1, "waiting for acknowledgement");
        }));
        assertEquals(1_100 * MS, c.currentTimeoutNanos());
    }

    @Test
    void withAPercentileBasisTheFloorIsTwiceTheP95OfTheLastWindow() throws Exception {
        TimeoutController c = controller("mode", "adaptive", "timeout.ms", "5000", "latency.basis", "percentile",
                "percentile.window.ms", "1000", "fail.late.results", "true");
        // One window of 100 calls: 95 take 10 ms, 5 take 900 ms (some of them time out as the timeout
        // shrinks, and count with their elapsed time); P95 is about 10 ms, P96 and above 900 ms.
        int timeouts = 0;
        for (int i = 0; i < 100; i++) {
            long latency = i % 20 == 0 ? 900 * MS : 10 * MS;
            try {
                c.execute(new TestInvocation("send", clock), inv -> {
                    clock.advanceNanos(latency);
                    return "ok";
                });
            } catch (DeadlineExceededException e) {
                timeouts++;
            }
        }
        assertTrue(timeouts > 0, "with the last latency as the floor, a rare slow call outgrows the shrunk timeout");
        clock.advanceNanos(1_000 * MS);
        c.execute(new TestInvocation("send", clock), inv -> "ok"); // closes the window
        long p95 = c.latencies().percentileNanos();
        assertTrue(p95 >= 10 * MS && p95 < 11 * MS, "P95 " + p95);

        // Shrink from wherever it is: the floor is 2 x P95, not 2 x the last latency (here 0).
        for (int i = 0; i < 200; i++) {
            c.execute(new TestInvocation("send", clock), inv -> "ok");
        }
        assertEquals(2 * p95, c.currentTimeoutNanos());
    }

    @Test
    void notableMovesOfTheAdaptiveTimeoutAreReportedByTheControlPathNeverByACall() throws Exception {
        TimeoutController c = controller("mode", "adaptive", "timeout.ms", "1000");
        c.execute(new TestInvocation("send", clock), i -> "ok"); // 950: a 5% move, not reported
        c.publishIfNotable();
        assertEquals(0, changes.size());
        c.execute(new TestInvocation("send", clock), i -> "ok"); // 902.5: 9.75%
        c.publishIfNotable();
        assertEquals(0, changes.size());
        c.execute(new TestInvocation("send", clock), i -> "ok"); // 857.4: 14%
        c.execute(new TestInvocation("send", clock), i -> "ok"); // 814.5: 18.5%
        assertEquals(0, changes.size(), "a call reports nothing itself");
        c.publishIfNotable();
        assertEquals(1, changes.size(), "one report for the moves since the last one");
        assertEquals(1_000 * MS, changes.get(0)[0]);
        assertEquals(814_506_250L, changes.get(0)[1]);
        c.publishIfNotable();
        assertEquals(1, changes.size(), "no move since: nothing more to report");
    }

    // --- forced mode: real threads, a real wait of the (short) timeout, no timing assertions ---

    /** A forced-mode controller of {@code send} on a new {@link #runner} of {@code threads} threads. */
    private TimeoutController forced(int threads, long timeoutMs) {
        runner = new ForcedRunner("test", threads);
        return new TimeoutController("send",
                TimeoutSettings.from("p", TimeoutSettingsTest.config("timeout.ms", String.valueOf(timeoutMs), "forced", "true")),
                new TimeoutMetrics(), TimeoutListener.NONE, TimeSource.SYSTEM.nanoTime());
    }

    @Test
    void theForcedModeInterruptsACallThatIgnoresTheDeadline() throws Exception {
        TimeoutController c = forced(2, 50);
        TestInvocation inv = new TestInvocation("send", TimeSource.SYSTEM);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Invocation> seen = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> c.executeForced(inv, i -> {
            seen.set(i);
            thread.set(Thread.currentThread());
            try {
                new CountDownLatch(1).await(); // ignores the deadline, waits until interrupted
            } catch (InterruptedException stop) {
                interrupted.countDown();
            }
            return "never seen";
        }, runner));

        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the call was interrupted");
        assertTrue(e.getMessage().contains("after 50 ms") && e.getMessage().contains("interrupted at the deadline"), e.getMessage());
        assertNotSame(inv, seen.get(), "the other thread got a detached invocation");
        assertEquals(inv.startNanos() + 50 * MS, seen.get().deadlineNanos());
        assertEquals(Invocation.NO_DEADLINE, inv.deadlineNanos(), "the caller's invocation is untouched");
        assertTrue(thread.get().getName().startsWith("test-"));
        assertEquals(1, c.metrics().interrupted.sum());
    }

    @Test
    void theForcedModePassesResultsAndFailuresThrough() throws Exception {
        TimeoutController c = forced(2, 60000);

        assertEquals("ok", c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), i -> "ok", runner));
        IOException failure = new IOException("refused");
        assertSame(failure, assertThrows(IOException.class,
                () -> c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), i -> {
                    throw failure;
                }, runner)));
        assertThrows(StackOverflowError.class, () -> c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), i -> {
            throw new StackOverflowError();
        }, runner));
    }

    @Test
    void theForcedModeNeverRefusesACallMadeRightAfterAnotherReturned() throws Exception {
        // the pool's own "no idle thread" refusal used to refuse it: the worker was not yet back
        TimeoutController c = forced(1, 60000);
        for (int i = 0; i < 5_000; i++) {
            assertEquals("ok", c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), inv -> "ok", runner), "call " + i);
        }
    }

    @Test
    void theForcedModeRefusesACallWhenEveryThreadIsBusy() throws Exception {
        TimeoutController c = forced(1, 60000);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), i -> {
                    started.countDown();
                    release.await();
                    return "ok";
                }, runner);
                finished.set(true);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        caller.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));

        BulkheadFullException e = assertThrows(BulkheadFullException.class,
                () -> c.executeForced(new TestInvocation("send", TimeSource.SYSTEM), i -> "ok", runner));
        assertTrue(e.isRejection());
        assertTrue(e.getMessage().contains("1 threads of the forced timeout"), e.getMessage());

        release.countDown();
        caller.join(10_000);
        assertTrue(finished.get());
    }

    @Test
    void aClosedRunnerInterruptsItsCalls() throws Exception {
        runner = new ForcedRunner("test", 1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        runner.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        runner.close();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        assertTrue(runner.isClosed());
        assertInstanceOf(java.util.concurrent.RejectedExecutionException.class,
                assertThrows(Exception.class, () -> runner.submit(() -> null)));
    }
}
