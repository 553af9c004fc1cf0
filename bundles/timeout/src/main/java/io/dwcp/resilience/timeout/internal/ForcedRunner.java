package io.dwcp.resilience.timeout.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
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
 */
final class ForcedRunner implements AutoCloseable {

    private final ExecutorService executor;
    private final int maxThreads;

    /**
     * @param name       thread name prefix, e.g. {@code dwcp-timeout-send}
     * @param maxThreads the most calls run at once
     */
    ForcedRunner(String name, int maxThreads) {
        this.maxThreads = maxThreads;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * @return the running call
     * @throws RejectedExecutionException when all threads are busy or the runner is closed
     */
    <T> Future<T> submit(Callable<T> call) {
        return executor.submit(call);
    }

    int maxThreads() {
        return maxThreads;
    }

    /** Interrupts running calls and lets the threads end. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    boolean isClosed() {
        return executor.isShutdown();
    }
}
