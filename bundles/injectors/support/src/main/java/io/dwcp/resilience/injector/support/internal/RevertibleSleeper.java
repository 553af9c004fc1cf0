package io.dwcp.resilience.injector.support.internal;

import java.util.concurrent.TimeUnit;

/**
 * A {@link Sleeper} on the JVM's clock whose waits all end at once on {@link #wakeAll()}.
 *
 * <p>Waiting threads hold no lock while they wait (a monitor wait releases it); the monitor is
 * taken only on the injected path, never on a call that chaos leaves alone.
 */
public final class RevertibleSleeper implements Sleeper {

    private final Object lock = new Object();
    private long generation; // guarded by lock: bumped by every wakeAll

    @Override
    public boolean sleepNanos(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return true;
        }
        long end = System.nanoTime() + nanos;
        synchronized (lock) {
            long mine = generation;
            while (true) {
                if (generation != mine) {
                    return false;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    @Override
    public void wakeAll() {
        synchronized (lock) {
            generation++;
            lock.notifyAll();
        }
    }
}
