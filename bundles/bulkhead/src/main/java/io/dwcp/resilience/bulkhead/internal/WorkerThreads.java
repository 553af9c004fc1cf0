package io.dwcp.resilience.bulkhead.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the named worker threads of one pool and remembers them, so that stopping the pool can
 * wait until every one of them has really ended (an executor counts as terminated a moment before
 * its last thread dies).
 */
final class WorkerThreads implements ThreadFactory {

    private final String namePrefix;
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    /** @param namePrefix the start of every thread's name, e.g. {@code dwcp-bulkhead-send-} */
    WorkerThreads(String namePrefix) {
        this.namePrefix = namePrefix;
    }

    @Override
    public Thread newThread(Runnable work) {
        Thread thread = new Thread(work, namePrefix + sequence.incrementAndGet());
        // Daemon: a pool must never keep a JVM alive. The context class loader is this bundle's
        // rather than whatever the submitting caller had, which could pin another bundle's loader.
        thread.setDaemon(true);
        thread.setContextClassLoader(WorkerThreads.class.getClassLoader());
        synchronized (threads) {
            threads.removeIf(t -> !t.isAlive());
            threads.add(thread);
        }
        return thread;
    }

    /**
     * Waits until every thread made so far has ended, or the time is up.
     *
     * @param timeoutNanos the longest to wait
     * @return the names of the threads still alive
     * @throws InterruptedException when interrupted while waiting
     */
    List<String> awaitEnd(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        List<Thread> made;
        synchronized (threads) {
            made = new ArrayList<>(threads);
        }
        List<String> alive = new ArrayList<>();
        for (Thread thread : made) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            if (thread.isAlive()) {
                alive.add(thread.getName());
            }
        }
        return alive;
    }

    /** @return the threads made so far that are still alive */
    List<Thread> alive() {
        synchronized (threads) {
            List<Thread> alive = new ArrayList<>();
            for (Thread thread : threads) {
                if (thread.isAlive()) {
                    alive.add(thread);
                }
            }
            return alive;
        }
    }
}
