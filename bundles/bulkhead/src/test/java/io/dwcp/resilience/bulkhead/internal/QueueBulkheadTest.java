package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.testkit.TestInvocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QueueBulkheadTest {

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final ManualTimeSource clock = new ManualTimeSource();

    private QueueBulkhead bulkhead(int max, int queue, long maxWaitNanos) {
        return new QueueBulkhead("consensus", new QueueBulkheadSettings("consensus", max, queue, maxWaitNanos), clock, 0);
    }

    private TestInvocation inv() {
        return new TestInvocation("consensus", clock);
    }

    @Test
    void waitersAreServedFirstInFirstOut() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 10, HOUR);
        Holders holder = new Holders();
        holder.enter(bulkhead::execute, inv());

        List<String> order = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new java.util.ArrayList<>();
        for (String name : List.of("first", "second", "third", "fourth")) {
            Thread waiter = new Thread(() -> {
                try {
                    bulkhead.execute(inv(), i -> order.add(name));
                } catch (Exception e) {
                    order.add(name + " failed: " + e);
                }
            }, name);
            waiter.start();
            int before = waiters.size();
            Await.until(() -> bulkhead.waiters() == before + 1, name + " queues");
            waiters.add(waiter);
        }
        assertEquals(4, bulkhead.queued());

        holder.releaseAll();
        for (Thread waiter : waiters) {
            waiter.join();
        }
        assertEquals(List.of("first", "second", "third", "fourth"), order);
        assertEquals(0, bulkhead.active());
        assertEquals(0, bulkhead.queued());
    }

    @Test
    void aFullQueueRejectsAtOnce() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 1, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        CompletableFuture<Object> waiting = holders.start(bulkhead::execute, inv(), new CountDownLatch(1));
        Await.until(bulkhead::hasWaiters, "the second call queues");

        BulkheadFullException e = assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));
        assertEquals("consensus", e.operation());
        assertTrue(e.getMessage().contains("queue is full (1 waiting)"), e.getMessage());
        assertEquals(1, bulkhead.rejected());

        holders.releaseAll();
        assertTrue(waiting.isDone() && !waiting.isCompletedExceptionally(), "the queued call ran");
        assertEquals(1, bulkhead.available());
    }

    @Test
    void zeroCapacityRejectsAtOnce() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 0, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));
        holders.releaseAll();
    }

    @Test
    void aWaitBeyondMaxWaitIsARejection() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 5, TimeUnit.MILLISECONDS.toNanos(1));
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());

        BulkheadFullException e = assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));
        assertTrue(e.getMessage().contains("no permit within the max wait of 1 ms"), e.getMessage());
        assertEquals(1, bulkhead.rejected());
        assertEquals(0, bulkhead.timedOut());
        assertEquals(0, bulkhead.queued());
        holders.releaseAll();
        assertEquals(1, bulkhead.available());
    }

    @Test
    void theDeadlineCutsTheWaitShortOfMaxWait() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());

        // Max wait one hour, deadline 1 ms away on the chain's clock: the test ends in 1 ms, or
        // hits the class timeout if the wait ignored the deadline.
        Invocation inv = new TestInvocation("consensus", clock, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> bulkhead.execute(inv, i -> "x"));
        assertFalse(e.isRejection(), "a deadline is retryable by an outer stage");
        assertTrue(e.getMessage().contains("while waiting in the bulkhead queue"), e.getMessage());
        assertEquals(1, bulkhead.timedOut());
        assertEquals(0, bulkhead.rejected());
        assertEquals(0, bulkhead.queued());
        holders.releaseAll();
    }

    @Test
    void aPassedDeadlineFailsWithoutWaiting() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        Invocation late = new TestInvocation("consensus", clock, clock.nanoTime());
        clock.advanceNanos(1);

        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> bulkhead.execute(late, i -> "x"));
        assertTrue(e.getMessage().contains("deadline had passed"), e.getMessage());
        holders.releaseAll();
    }

    @Test
    void anInterruptedWaiterLeavesTheQueueWithoutAPermit() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Object> waiter = holders.start(bulkhead::execute, inv(), entered);
        Await.until(bulkhead::hasWaiters, "the second call queues");

        holders.thread(1).interrupt();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> waiter.get(20, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().startsWith("consensus: interrupted while waiting"));
        assertEquals(1, entered.getCount(), "the interrupted call never ran");
        assertEquals(0, bulkhead.queued());

        holders.releaseAll();
        assertEquals(0, bulkhead.active());
        assertEquals(1, bulkhead.available());
    }

    @Test
    void anInterruptedCallerDoesNotEnter() {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> bulkhead.execute(inv(), i -> "x"));
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, bulkhead.available());
    }

    @Test
    void permitsComeBackAfterExceptionErrorAndInnerRejection() {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        assertThrows(IllegalStateException.class, () -> bulkhead.execute(inv(), i -> {
            throw new IllegalStateException("bad frame");
        }));
        assertThrows(OutOfMemoryError.class, () -> bulkhead.execute(inv(), i -> {
            throw new OutOfMemoryError("test");
        }));
        assertThrows(RateLimitedException.class, () -> bulkhead.execute(inv(), i -> {
            throw new RateLimitedException("consensus", "inner", -1);
        }));
        assertEquals(0, bulkhead.active());
        assertEquals(1, bulkhead.available());
    }

    @Test
    void growingHandsNewPermitsToWaiters() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 5, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        CountDownLatch entered = new CountDownLatch(1);
        holders.start(bulkhead::execute, inv(), entered);
        Await.until(bulkhead::hasWaiters, "the second call queues");

        bulkhead.resize(new QueueBulkheadSettings("consensus", 2, 5, HOUR));
        assertTrue(entered.await(20, TimeUnit.SECONDS), "the waiter got the new permit");
        assertEquals(2, bulkhead.active());
        holders.releaseAll();
        assertEquals(2, bulkhead.available());
    }

    @Test
    void shrinkingKeepsCallsInFlightAndAdmitsNobodyUntilBelowTheNewLimit() throws Exception {
        QueueBulkhead bulkhead = bulkhead(2, 5, TimeUnit.MILLISECONDS.toNanos(1));
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        holders.enter(bulkhead::execute, inv());

        bulkhead.resize(new QueueBulkheadSettings("consensus", 1, 5, TimeUnit.MILLISECONDS.toNanos(1)));
        assertEquals(2, bulkhead.active());
        assertEquals(0, bulkhead.available());
        assertThrows(BulkheadFullException.class, () -> bulkhead.execute(inv(), i -> "x"));

        holders.releaseAll();
        assertEquals(0, bulkhead.active());
        assertEquals(1, bulkhead.available(), "exactly the new limit is free");
    }

    @Test
    void metricsShowTheQueue() throws Exception {
        QueueBulkhead bulkhead = bulkhead(1, 4, HOUR);
        Holders holders = new Holders();
        holders.enter(bulkhead::execute, inv());
        holders.start(bulkhead::execute, inv(), new CountDownLatch(1));
        Await.until(bulkhead::hasWaiters, "the second call queues");

        MetricsSnapshot snapshot = bulkhead.metrics();
        assertEquals("consensus", snapshot.operation());
        assertEquals(1, snapshot.value("active"));
        assertEquals(1, snapshot.value("maxConcurrentCalls"));
        assertEquals(1, snapshot.value("queued"));
        assertEquals(4, snapshot.value("queueCapacity"));
        assertEquals(0.25, snapshot.value("queueUtilisation"));
        assertEquals(3_600_000, snapshot.value("maxWaitMillis"));
        holders.releaseAll();
    }

    @Test
    void averageExecutionTimeExcludesTheWait() throws Exception {
        QueueBulkhead bulkhead = bulkhead(2, 4, HOUR);
        bulkhead.execute(inv(), i -> clock.advanceNanos(4_000));
        bulkhead.execute(inv(), i -> clock.advanceNanos(2_000));
        assertEquals(3_000.0, bulkhead.averageExecutionNanos(), 0.0);
    }

    @Test
    void theWaitBudgetIsTheSmallerOfDeadlineAndMaxWait() {
        assertEquals(5, QueueBulkhead.waitBudgetNanos(5, 10));
        assertEquals(10, QueueBulkhead.waitBudgetNanos(Long.MAX_VALUE, 10));
        assertEquals(-3, QueueBulkhead.waitBudgetNanos(-3, 10));
    }
}
