package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.transport.ManagerUnavailableException;
import java.util.concurrent.TimeUnit;

/**
 * The dynamic reference to the {@link ResilienceManager}: a call that finds none waits for one to be
 * bound, up to its deadline, so an update of the manager bundle delays calls instead of failing them.
 */
final class ManagerHolder {

    /** Volatile so that the call path reads it without the lock; written under the lock, so waiters are told. */
    private volatile ResilienceManager manager;
    private boolean closed;

    synchronized void bind(ResilienceManager m) {
        manager = m;
        notifyAll();
    }

    synchronized void unbind(ResilienceManager m) {
        if (manager == m) {
            manager = null;
        }
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * @return the manager, waiting for one until {@code deadlineNanos}
     * @throws ManagerUnavailableException when none came in time
     */
    ResilienceManager await(String operation, long deadlineNanos) throws InterruptedException {
        // every send and receive of every thread comes here: while a manager is bound, one volatile
        // read, no monitor shared by all callers (TransportThroughput's 64 senders and 4 receivers)
        ResilienceManager m = manager;
        return m != null ? m : awaitBound(operation, deadlineNanos);
    }

    private synchronized ResilienceManager awaitBound(String operation, long deadlineNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (manager == null && !closed) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (manager == null) {
            throw new ManagerUnavailableException(operation, System.nanoTime() - start);
        }
        return manager;
    }

    ResilienceManager current() {
        return manager;
    }
}
