package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.testkit.TestInvocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Positive;

class BulkheadProperties {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    enum Strategy { SEMAPHORE, QUEUE, THREAD_POOL }

    /** What one call does once inside the bulkhead. */
    enum Outcome { SUCCEED, THROW_CHECKED, THROW_ERROR, INNER_REJECTION }

    /**
     * Counted stress test: threads hammer one bulkhead at once, each call records how many calls
     * are inside; the peak never exceeds the limit, every call is accounted for exactly once, and
     * afterwards every permit is back.
     */
    @Property(tries = 40)
    void aBulkheadNeverExceedsItsMaxConcurrency(@ForAll Strategy strategy, @ForAll @IntRange(min = 1, max = 5) int max,
            @ForAll @IntRange(min = 0, max = 6) int queue, @ForAll @IntRange(min = 2, max = 6) int threads,
            @ForAll @IntRange(min = 10, max = 80) int callsPerThread, @ForAll long seed) throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        Bulkhead<?> bulkhead = switch (strategy) {
            case SEMAPHORE -> new SemaphoreBulkhead("send", new SemaphoreBulkheadSettings("send", max), clock, 0);
            case QUEUE -> new QueueBulkhead("send", new QueueBulkheadSettings("send", max, queue, MINUTE), clock, 0);
            case THREAD_POOL -> new ThreadPoolBulkhead("send",
                    new ThreadPoolBulkheadSettings("send", max, max, Math.max(1, queue), MINUTE, MINUTE), clock);
        };
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        LongAdder succeeded = new LongAdder();
        LongAdder failedInside = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAdder unexpected = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed + t);
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int c = 0; c < callsPerThread; c++) {
                    Outcome outcome = Outcome.values()[random.nextInt(Outcome.values().length)];
                    try {
                        bulkhead.execute(new TestInvocation("send", clock), inv -> {
                            peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.yield(); // widen the window in which calls overlap
                            inside.decrementAndGet();
                            return act(outcome);
                        });
                        succeeded.increment();
                    } catch (BulkheadFullException e) {
                        rejected.increment();
                    } catch (IOException | CallNotPermittedException | OutOfMemoryError e) {
                        failedInside.increment();
                    } catch (Throwable e) {
                        unexpected.increment();
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        try {
            assertTrue(peak.get() <= max, "peak " + peak.get() + " > max " + max);
            assertEquals(0, unexpected.sum());
            assertEquals((long) threads * callsPerThread, succeeded.sum() + failedInside.sum() + rejected.sum());
            assertEquals(rejected.sum(), bulkhead.metrics().value("rejected"), 0.0);
            // A pool worker hands the result over a moment before it counts itself idle.
            Await.until(() -> bulkhead.metrics().value("active") == 0, "no call in flight");
            assertEquals(0, bulkhead.metrics().value("queued"), 0.0);
        } finally {
            bulkhead.shutdown();
        }
    }

    private static Object act(Outcome outcome) throws Exception {
        switch (outcome) {
            case THROW_CHECKED:
                throw new IOException("peer reset");
            case THROW_ERROR:
                throw new OutOfMemoryError("simulated");
            case INNER_REJECTION:
                throw new CallNotPermittedException("send", "OPEN", "");
            default:
                return "ok";
        }
    }

    /** A step of a script run on one thread with calls nested inside each other. */
    enum Step {
        /** Enter the bulkhead again, from inside the current call. */
        ENTER,
        /** Enter with a deadline already passed. */
        ENTER_LATE,
        /** Enter with the thread's interrupt flag set. */
        ENTER_INTERRUPTED,
        /** Leave the current call normally. */
        RETURN,
        THROW_CHECKED,
        THROW_ERROR,
        THROW_INNER_REJECTION,
        /** Interrupt the thread inside a call, then leave it normally. */
        INTERRUPT_AND_RETURN,
        GROW,
        SHRINK
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(60);
    }

    /**
     * After any mix of nested calls, failures, interruptions, passed deadlines and live resizes,
     * every permit is back: nothing is in flight and exactly the limit is free.
     */
    @Property(tries = 300)
    void afterAnyMixOfFailuresEveryPermitIsBack(@ForAll("scripts") List<Step> script,
            @ForAll @IntRange(min = 1, max = 4) int max, @ForAll boolean queueBased) {
        ManualTimeSource clock = new ManualTimeSource(1_000, 0);
        // No waiting: a full bulkhead refuses at once (max wait 0) or fails on the passed deadline.
        Bulkhead<?> bulkhead = queueBased
                ? new QueueBulkhead("sync", new QueueBulkheadSettings("sync", max, 2, 0), clock, 0)
                : new SemaphoreBulkhead("sync", new SemaphoreBulkheadSettings("sync", max), clock, 0);
        int[] limit = {max};
        Iterator<Step> steps = script.iterator();
        try {
            while (steps.hasNext()) {
                runStep(bulkhead, steps, clock, limit, steps.next());
            }
        } catch (Throwable unwound) {
            // a step at the outermost level threw: that is one of the outcomes under test
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, bulkhead.metrics().value("active"), 0.0, "calls in flight after " + script);
        assertEquals(limit[0], bulkhead.metrics().value("available"), 0.0, "free permits after " + script);
        assertEquals(0, bulkhead.metrics().value("queued"), 0.0);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /** Runs one step at the current nesting level; ENTER steps run the following ones one level deeper. */
    private static void runStep(Bulkhead<?> bulkhead, Iterator<Step> steps, ManualTimeSource clock, int[] limit,
            Step step) throws Exception {
        switch (step) {
            case ENTER, ENTER_LATE, ENTER_INTERRUPTED -> {
                Invocation inv = new TestInvocation("sync", clock,
                        step == Step.ENTER_LATE ? clock.nanoTime() - 1 : Invocation.NO_DEADLINE);
                if (step == Step.ENTER_INTERRUPTED) {
                    Thread.currentThread().interrupt();
                }
                try {
                    bulkhead.execute(inv, i -> {
                        Thread.interrupted();
                        while (steps.hasNext()) {
                            Step inner = steps.next();
                            if (inner == Step.RETURN) {
                                return "returned";
                            }
                            if (inner == Step.INTERRUPT_AND_RETURN) {
                                Thread.currentThread().interrupt();
                                return "interrupted";
                            }
                            runStep(bulkhead, steps, clock, limit, inner);
                        }
                        return "script ended";
                    });
                } catch (BulkheadFullException | DeadlineExceededException | InterruptedException
                        | IOException | CallNotPermittedException | StackOverflowError e) {
                    // each is an outcome of the mix; the permit accounting is checked at the end
                } finally {
                    Thread.interrupted();
                }
            }
            case THROW_CHECKED -> throw new IOException("inner failure");
            case THROW_ERROR -> throw new StackOverflowError();
            case THROW_INNER_REJECTION -> throw new CallNotPermittedException("sync", "OPEN", "");
            case GROW -> resize(bulkhead, limit, limit[0] + 1);
            case SHRINK -> resize(bulkhead, limit, Math.max(1, limit[0] - 1));
            case RETURN, INTERRUPT_AND_RETURN -> {
                // at the outermost level there is no call to leave
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void resize(Bulkhead<?> bulkhead, int[] limit, int newLimit) {
        limit[0] = newLimit;
        if (bulkhead instanceof QueueBulkhead queue) {
            queue.resize(new QueueBulkheadSettings("sync", newLimit, 2, 0));
        } else {
            ((SemaphoreBulkhead) bulkhead).resize(new SemaphoreBulkheadSettings("sync", newLimit));
        }
    }

    /** The queue wait is never longer than the deadline allows nor than the max wait. */
    @Property
    void theWaitBudgetNeverExceedsTheDeadlineOrTheMaxWait(@ForAll long remainingNanos, @ForAll @Positive long maxWaitNanos) {
        long budget = QueueBulkhead.waitBudgetNanos(remainingNanos, maxWaitNanos);
        assertTrue(budget <= remainingNanos && budget <= maxWaitNanos);
        assertTrue(budget == remainingNanos || budget == maxWaitNanos);
    }

    /** Concurrent submitters never push the thread pool's queue past its capacity, even across a resize. */
    @Property(tries = 30)
    void theTaskQueueNeverExceedsItsCapacity(@ForAll @IntRange(min = 1, max = 8) int capacity,
            @ForAll @IntRange(min = 1, max = 8) int resizedTo, @ForAll @IntRange(min = 2, max = 5) int threads)
            throws InterruptedException {
        BoundedTaskQueue queue = new BoundedTaskQueue(capacity);
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> offerers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread offerer = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < 20; i++) {
                    if (queue.offer(() -> { })) {
                        accepted.incrementAndGet();
                    }
                }
            });
            offerers.add(offerer);
            offerer.start();
        }
        start.countDown();
        for (Thread offerer : offerers) {
            offerer.join();
        }
        assertEquals(capacity, queue.size());
        assertEquals(capacity, accepted.get());

        queue.setCapacity(resizedTo);
        queue.poll();
        int room = Math.max(0, resizedTo - queue.size());
        int added = 0;
        while (queue.offer(() -> { })) {
            added++;
        }
        assertEquals(room, added);
        assertEquals(Math.max(resizedTo, capacity - 1), queue.size());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
