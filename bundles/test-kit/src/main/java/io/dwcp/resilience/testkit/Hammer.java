package io.dwcp.resilience.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the same work on several threads released at once, for tests that count what concurrent
 * callers did (no call lost, no limit exceeded, every permit back). It waits for every thread and
 * rethrows the first failure of any, so an assertion inside the work fails the test. The cap on the
 * wait only turns a hang into a failure; it is not a timing assertion.
 */
public final class Hammer {

    /** How long the threads may take together before the test fails as hung. */
    private static final long CAP_MINUTES = 5;

    /** The work of one thread. */
    @FunctionalInterface
    public interface Work {
        /**
         * @param thread the thread's number, 0 to threads - 1
         * @throws Exception to fail the test
         */
        void run(int thread) throws Exception;
    }

    private Hammer() {
    }

    /**
     * @param threads how many threads run {@code work}, all released at the same moment
     * @param work    what each thread does
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws AssertionError       when a thread failed (with its failure as the cause) or hung
     */
    public static void together(int threads, Work work) throws InterruptedException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int number = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    work.run(number);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "hammer-" + t);
            thread.start();
            started.add(thread);
        }
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(CAP_MINUTES);
        for (Thread thread : started) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still running after " + CAP_MINUTES + " minutes");
            }
        }
        Throwable first = failure.get();
        if (first != null) {
            throw new AssertionError("a hammer thread failed: " + first, first);
        }
    }
}
