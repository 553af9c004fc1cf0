package io.dwcp.resilience.injector.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One spike: its threads spin for the busy part of each period and rest for the rest, until the
 * spike's time is up or it is {@linkplain #stop() stopped}. Real time on purpose: a spike is about
 * real CPU.
 */
final class CpuSpike {

    private final CpuInjector.Settings settings;
    private final List<Thread> threads = new ArrayList<>();
    private final long endNanos;
    private volatile boolean stopped;
    /** Written by the spinning threads so the JIT cannot drop their work. */
    @SuppressWarnings("unused")
    private volatile long sink;

    CpuSpike(CpuInjector.Settings settings, ThreadFactory factory) {
        this.settings = settings;
        this.endNanos = System.nanoTime() + settings.durationNanos();
        for (int i = 0; i < settings.threads(); i++) {
            Thread t = factory.newThread(this::burn);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void burn() {
        long busy = settings.busyNanos();
        long period = settings.periodNanos();
        long x = 1;
        while (!stopped) {
            long start = System.nanoTime();
            if (start - endNanos >= 0) {
                return;
            }
            while (!stopped && System.nanoTime() - start < busy) {
                x = x * 6364136223846793005L + 1442695040888963407L; // an LCG step: cheap, not foldable
            }
            sink = x;
            long rest = period - (System.nanoTime() - start);
            if (rest > 0 && !stopped) {
                LockSupport.parkNanos(this, rest);
            }
        }
    }

    /** @return whether any of its threads still runs */
    boolean alive() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** @return threads still running */
    int liveThreads() {
        int n = 0;
        for (Thread t : threads) {
            if (t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Stops every thread and waits for them to end.
     *
     * @return whether all ended within the wait
     */
    boolean stop() {
        stopped = true;
        threads.forEach(LockSupport::unpark);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return !alive();
    }
}
