package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.Waits;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waits on a call's clock ({@link Waits}, so a test's {@code ManualTimeSource} never sleeps) that a
 * kill switch ends all at once: what a fault injector that delays or holds calls uses, so that
 * disarming chaos releases every call it holds. A wait started after {@link #wakeAll()} is not
 * affected.
 *
 * <p>A wait is ended by interrupting its thread, and only while that thread is inside the wait:
 * the interrupt is consumed before the wait returns, so no caller is left with its interrupt flag set.
 *
 * @since 1.2
 */
public final class RevertibleWaits {

    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        boolean done; // guarded by this
        boolean cut; // guarded by this
    }

    /**
     * Waits {@code nanos} on {@code clock} (without a deadline: the caller bounds {@code nanos}).
     *
     * @return {@code true} when the whole span passed, {@code false} when {@link #wakeAll()} ended it
     * @throws InterruptedException when the thread was interrupted by someone else
     */
    public boolean sleep(TimeSource clock, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return true;
        }
        Waiter w = new Waiter();
        waiting.add(w);
        boolean cut;
        try {
            Waits.sleep(clock, nanos, Invocation.NO_DEADLINE);
        } catch (InterruptedException e) {
            synchronized (w) {
                if (!w.cut) {
                    throw e;
                }
            }
        } finally {
            waiting.remove(w);
            synchronized (w) {
                w.done = true;
                cut = w.cut;
            }
            if (cut) {
                Thread.interrupted(); // ours, whether it arrived during the wait or just after
            }
        }
        return !cut;
    }

    /** Ends every wait in progress now: the kill switch. */
    public void wakeAll() {
        for (Waiter w : waiting) {
            synchronized (w) {
                if (!w.done) {
                    w.cut = true;
                    w.thread.interrupt();
                }
            }
        }
    }

    /** @return how many threads wait now */
    public int waiting() {
        return waiting.size();
    }
}
