package io.dwcp.resilience.testkit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Another live thread that has done something first and stays alive until closed, for tests of
 * what a structure does while a thread it knows (an owner, a holder) is alive, and after it ended:
 * <pre>
 *   try (OtherThread owner = OtherThread.after(() -&gt; window.recordOn(2, now, false, false))) {
 *       ... // owner alive
 *   }          // owner ended (closed and joined)
 * </pre>
 * A failure of the first action is rethrown by {@link #after} (and by {@link #close()}).
 */
public final class OtherThread implements AutoCloseable {

    /** How long the first action may take; not a timing assertion, a hang turned into a failure. */
    private static final long CAP_MINUTES = 5;

    /** What the other thread does first. */
    @FunctionalInterface
    public interface Action {
        /** @throws Exception to fail the test */
        void run() throws Exception;
    }

    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private OtherThread(Action first) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        thread = new Thread(() -> {
            try {
                first.run();
            } catch (Throwable e) {
                failure.set(e);
            }
            ran.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "other-thread");
        thread.start();
        if (!ran.await(CAP_MINUTES, TimeUnit.MINUTES)) {
            throw new AssertionError("the other thread's first action still running after " + CAP_MINUTES + " minutes");
        }
        rethrow();
    }

    /**
     * @param first what the thread does before it waits
     * @return the thread, alive, its first action done
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws AssertionError       when the first action failed (with its failure as the cause)
     */
    public static OtherThread after(Action first) throws InterruptedException {
        return new OtherThread(first);
    }

    /** Lets the thread end and waits until it has. */
    @Override
    public void close() throws InterruptedException {
        done.countDown();
        thread.join();
        rethrow();
    }

    private void rethrow() {
        Throwable e = failure.get();
        if (e != null) {
            throw new AssertionError("the other thread failed: " + e, e);
        }
    }
}
