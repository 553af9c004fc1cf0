package io.dwcp.resilience.bulkhead.internal;

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
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ThreadPoolBulkheadTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<ThreadPoolBulkhead> made = new ArrayList<>();

    private ThreadPoolBulkhead bulkhead(String operation, int core, int max, int queue, long graceNanos) {
        ThreadPoolBulkhead bulkhead = new ThreadPoolBulkhead(operation,
                new ThreadPoolBulkheadSettings(operation, core, max, queue, MINUTE, graceNanos), clock);
        made.add(bulkhead);
        return bulkhead;
    }

    private TestInvocation inv(String operation) {
        return new TestInvocation(operation, clock);
    }

    @AfterEach
    void stopPools() {
        for (ThreadPoolBulkhead bulkhead : made) {
            bulkhead.shutdown();
        }
    }

    @Test
    void theCallRunsOnANamedWorkerWithADetachedInvocation() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 2, 4, MINUTE);
        TestInvocation caller = inv("sync");
        caller.setAttribute("peer-key", "n7");
        AtomicReference<Invocation> seen = new AtomicReference<>();

        String thread = bulkhead.execute(caller, i -> {
            seen.set(i);
            return Thread.currentThread().getName();
        });
        assertTrue(thread.startsWith("dwcp-bulkhead-sync-"), thread);
        assertNotSame(caller, seen.get());
        assertTrue(((TestInvocation) seen.get()).isDetached());
        assertEquals("n7", seen.get().attribute("peer-key"));
    }

    @Test
    void theCallsFailureReachesTheCallerUnchanged() {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        IOException io = new IOException("reset");
        assertSame(io, assertThrows(IOException.class, () -> bulkhead.execute(inv("sync"), i -> {
            throw io;
        })));
        AssertionError error = new AssertionError("boom");
        assertSame(error, assertThrows(AssertionError.class, () -> bulkhead.execute(inv("sync"), i -> {
            throw error;
        })));
    }

    @Test
    void aFullPoolAndQueueRejects() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv("sync"));
        CompletableFuture<Object> queued = holders.start(bulkhead::execute, inv("sync"), new CountDownLatch(1));
        Await.until(() -> bulkhead.queued() == 1, "the second call queues");

        BulkheadFullException e = assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv("sync"), i -> "x"));
        assertTrue(e.getMessage().contains("all 1 threads busy and the queue is full (1 waiting)"), e.getMessage());
        assertEquals(1, bulkhead.rejected());

        holders.releaseAll();
        assertTrue(queued.isDone() && !queued.isCompletedExceptionally());
    }

    @Test
    void threadsBeyondTheCoreStartWhenTheQueueIsFull() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 2, 1, MINUTE);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv("sync"));
        holders.start(bulkhead::execute, inv("sync"), new CountDownLatch(1));
        Await.until(() -> bulkhead.queued() == 1, "the second call queues");
        holders.enter(bulkhead::execute, inv("sync"));
        assertEquals(2, bulkhead.executor().getPoolSize());
        holders.releaseAll();
    }

    @Test
    void theDeadlineEndsTheWaitAndInterruptsTheWork() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        // The wait is real time (the manual clock only sets the budget): a worker already waiting
        // for work and 200 ms make "the work started first" the usual case; both cases are checked.
        bulkhead.executor().prestartAllCoreThreads();
        Invocation inv = new TestInvocation("sync", clock, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> bulkhead.execute(inv, i -> {
            started.countDown();
            try {
                return never.await(1, TimeUnit.HOURS);
            } catch (InterruptedException stop) {
                interrupted.countDown();
                throw stop;
            }
        }));
        assertTrue(e.getMessage().contains("waiting for the bulkhead's thread pool"), e.getMessage());
        assertEquals(1, bulkhead.timedOut());
        assertEquals("free", bulkhead.execute(inv("sync"), i -> "free"), "the thread is free again");
        // The one worker has run the next call, so it is done with the cancelled work: work that had
        // started was interrupted, and work cancelled before it started (possible on a loaded
        // machine: the wait may end before the worker picks it up) never ran.
        assertEquals(started.getCount(), interrupted.getCount(), "started work interrupted, unstarted work never run");
        assertEquals(0, bulkhead.queued(), "no cancelled work left in the queue");
    }

    @Test
    void aPassedDeadlineIsNotSubmitted() {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        Invocation late = new TestInvocation("sync", clock, clock.nanoTime());
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(DeadlineExceededException.class, () -> bulkhead.execute(late, i -> ran.getAndSet(true)));
        assertTrue(!ran.get());
        assertEquals(0, bulkhead.executor().getTaskCount());
    }

    @Test
    void anInterruptedCallerCancelsTheWork() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<Throwable> callerSaw = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                bulkhead.execute(inv("sync"), i -> {
                    started.countDown();
                    try {
                        return new CountDownLatch(1).await(1, TimeUnit.HOURS);
                    } catch (InterruptedException stop) {
                        interrupted.countDown();
                        throw stop;
                    }
                });
                callerSaw.complete(null);
            } catch (Throwable t) {
                callerSaw.complete(t);
            }
        });
        caller.start();
        assertTrue(started.await(20, TimeUnit.SECONDS));
        Await.threadBlocked(caller);
        caller.interrupt();

        Throwable seen = callerSaw.get(20, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, seen);
        assertTrue(seen.getMessage().startsWith("sync: interrupted"), seen.getMessage());
        // The caller was interrupted only after the work had started (awaited above): it must stop.
        assertTrue(interrupted.await(20, TimeUnit.SECONDS), "the work was interrupted");
        assertEquals("free", bulkhead.execute(inv("sync"), i -> "free"), "the thread is free again");
    }

    @Test
    void shutdownLetsRunningAndQueuedWorkFinishWithinTheGraceAndEndsEveryThread() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("grace", 1, 1, 1, MINUTE);
        Holders holders = new Holders();
        CompletableFuture<Object> running = holders.enter(bulkhead::execute, inv("grace"));
        CompletableFuture<Object> queued = holders.start(bulkhead::execute, inv("grace"), new CountDownLatch(1));
        Await.until(() -> bulkhead.queued() == 1, "the second call queues");
        List<Thread> workers = bulkhead.liveThreads();
        assertEquals(1, workers.size());

        CompletableFuture<List<String>> stopping = CompletableFuture.supplyAsync(bulkhead::shutdown);
        Await.until(() -> bulkhead.executor().isShutdown(), "shutdown starts");
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv("grace"), i -> "late"),
                "no new work once stopping");
        holders.releaseAll();

        assertEquals(List.of(), stopping.get(20, TimeUnit.SECONDS));
        assertTrue(running.get().toString().startsWith("dwcp-bulkhead-grace-"));
        assertTrue(queued.get().toString().startsWith("dwcp-bulkhead-grace-"));
        assertTrue(workers.stream().noneMatch(Thread::isAlive), "no worker outlives the pool");
        assertEquals(List.of(), bulkhead.liveThreads());
    }

    @Test
    void afterTheGraceRunningWorkIsInterruptedAndQueuedWorkCancelled() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("nograce", 1, 1, 1, 0);
        Holders holders = new Holders();
        CompletableFuture<Object> running = holders.enter(bulkhead::execute, inv("nograce"));
        CountDownLatch queuedRan = new CountDownLatch(1);
        CompletableFuture<Object> queued = holders.start(bulkhead::execute, inv("nograce"), queuedRan);
        Await.until(() -> bulkhead.queued() == 1, "the second call queues");
        Await.threadBlocked(holders.thread(1));

        assertEquals(List.of(), bulkhead.shutdown());
        assertInstanceOf(InterruptedException.class, assertThrows(ExecutionException.class, running::get).getCause());
        BulkheadFullException cancelled = (BulkheadFullException) assertThrows(ExecutionException.class, queued::get).getCause();
        assertTrue(cancelled.getMessage().contains("stopped before the call ran"), cancelled.getMessage());
        assertEquals(1, queuedRan.getCount());
        assertEquals(List.of(), bulkhead.liveThreads());
        holders.releaseAll();
    }

    @Test
    void aWorkerThatIgnoresInterruptionIsReported() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("stubborn", 1, 1, 1, 0);
        AtomicBoolean letGo = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try {
                bulkhead.execute(inv("stubborn"), i -> {
                    started.countDown();
                    while (!letGo.get()) {
                        try {
                            Thread.sleep(1); // to spare the CPU, not for timing
                        } catch (InterruptedException ignored) {
                            // this call ignores interruption on purpose
                        }
                    }
                    return "done";
                });
            } catch (Exception expected) {
                // the caller's outcome is not what this test is about
            }
        });
        caller.start();
        assertTrue(started.await(20, TimeUnit.SECONDS));

        List<String> stragglers = bulkhead.shutdown();
        assertEquals(1, stragglers.size());
        assertTrue(stragglers.get(0).startsWith("dwcp-bulkhead-stubborn-"), stragglers.toString());
        letGo.set(true);
        caller.join();
    }

    @Test
    void resizingAppliesToTheRunningPool() {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 2, 3, MINUTE);
        ThreadPoolExecutor executor = bulkhead.executor();

        bulkhead.resize(new ThreadPoolBulkheadSettings("sync", 5, 8, 10, TimeUnit.SECONDS.toNanos(5), MINUTE));
        assertEquals(5, executor.getCorePoolSize());
        assertEquals(8, executor.getMaximumPoolSize());
        assertEquals(10, bulkhead.queue().capacity());
        assertEquals(5, executor.getKeepAliveTime(TimeUnit.SECONDS));

        bulkhead.resize(new ThreadPoolBulkheadSettings("sync", 1, 1, 1, 0, MINUTE));
        assertEquals(1, executor.getCorePoolSize());
        assertEquals(1, executor.getMaximumPoolSize());
        assertEquals(1, bulkhead.queue().capacity());
    }

    @Test
    void aShrunkQueueRefusesNewWorkUntilBelowItsNewCapacity() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 3, MINUTE);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv("sync"));
        holders.start(bulkhead::execute, inv("sync"), new CountDownLatch(1));
        holders.start(bulkhead::execute, inv("sync"), new CountDownLatch(1));
        Await.until(() -> bulkhead.queued() == 2, "two calls queue");

        bulkhead.resize(new ThreadPoolBulkheadSettings("sync", 1, 1, 1, MINUTE, MINUTE));
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv("sync"), i -> "x"));
        assertEquals(2, bulkhead.queued(), "queued work stays");
        holders.releaseAll();
    }

    @Test
    void averageExecutionTimeIsTheWorkersTimeOnTheChainsClock() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 1, 1, MINUTE);
        bulkhead.execute(inv("sync"), i -> clock.advanceNanos(7_000));
        bulkhead.execute(inv("sync"), i -> clock.advanceNanos(3_000));
        assertEquals(5_000.0, bulkhead.averageExecutionNanos(), 0.0);
    }

    @Test
    void metricsShowThePool() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead("sync", 1, 2, 4, MINUTE);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv("sync"));
        holders.start(bulkhead::execute, inv("sync"), new CountDownLatch(1));
        Await.until(() -> bulkhead.queued() == 1, "the second call queues");

        MetricsSnapshot snapshot = bulkhead.metrics();
        assertEquals("bulkhead", snapshot.source());
        assertEquals("sync", snapshot.operation());
        assertEquals(1, snapshot.value("active"));
        assertEquals(2, snapshot.value("maxConcurrentCalls"));
        assertEquals(1, snapshot.value("queued"));
        assertEquals(4, snapshot.value("queueCapacity"));
        assertEquals(0.25, snapshot.value("queueUtilisation"));
        assertEquals(1, snapshot.value("coreThreads"));
        assertEquals(1, snapshot.value("poolSize"));
        holders.releaseAll();
    }
}
