package io.dwcp.resilience.timeout.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * The executor of the forced mode: runs calls that ignore deadlines on its own threads, so the
 * caller can stop waiting at the deadline and interrupt them. Bounded: when every thread is busy a
 * call is refused instead of piling up threads behind hung calls. Idle threads end after a minute.
 *
 * <p>The bound is a count of calls in flight, given back when the call's body returns, before its
 * caller sees the result (and, for a call cancelled before it started, when it is cancelled). It
 * used to be the pool's own "no idle thread" refusal, which refused a call made right after another
 * returned: the worker that ran it was not yet back waiting for work.
 */
final class ForcedRunner implements AutoCloseable {

    private final ThreadPoolExecutor executor;
    private final int maxThreads;
    private final Semaphore inFlight;

    /**
     * @param name       thread name prefix, e.g. {@code dwcp-timeout-send}
     * @param maxThreads the most calls run at once
     */
    ForcedRunner(String name, int maxThreads) {
        this.maxThreads = maxThreads;
        this.inFlight = new Semaphore(maxThreads);
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // at most maxThreads calls are queued or running (inFlight), so the queue never holds more
        // than the threads can take; a call waits in it only while a worker finishes its previous one
        this.executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /**
     * @return the running call
     * @throws RejectedExecutionException when all threads are busy or the runner is closed
     */
    <T> Future<T> submit(Callable<T> call) {
        if (executor.isShutdown()) {
            throw new RejectedExecutionException("the forced-mode runner is closed");
        }
        if (!inFlight.tryAcquire()) {
            throw new RejectedExecutionException("all " + maxThreads + " threads are busy");
        }
        AtomicBoolean given = new AtomicBoolean();
        Runnable giveBack = () -> {
            if (given.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        FutureTask<T> task = new FutureTask<>(() -> {
            try {
                return call.call();
            } finally {
                giveBack.run(); // before the result is set: the caller never sees a finished call still counted
            }
        }) {
            @Override
            protected void done() {
                giveBack.run(); // cancelled before it ran: its body never gave it back
            }
        };
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            giveBack.run();
            throw e;
        }
        return task;
    }

    int maxThreads() {
        return maxThreads;
    }

    /** Interrupts running calls and lets the threads end. */
    @Override
    public void close() {
        // a call still queued (its worker was finishing the previous one) never runs now: cancel it,
        // so its caller stops waiting at once instead of at its deadline
        for (Runnable queued : executor.shutdownNow()) {
            ((Future<?>) queued).cancel(false);
        }
    }

    boolean isClosed() {
        return executor.isShutdown();
    }
}
