package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.kit.StripedPermits;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue bulkhead's permits: a counter taken by compare-and-set while nobody waits, and a
 * first-in-first-out queue of waiters, served under a lock, once somebody does.
 *
 * <p>Why not a fair {@link java.util.concurrent.Semaphore}, as before (issue 15): its every
 * acquire checks the interrupt flag, looks for queued predecessors and CASes, and every release
 * CASes and then inspects the wait queue's head node; in a JFR profile of the full send chain at
 * one thread that pair was 17 % of the benchmark thread's samples although nobody ever waited.
 * Here the uncontended acquire is one read of the waiter count and one CAS, the release one atomic
 * add and one read of the waiter count; and the permits are striped (kit {@link StripedPermits},
 * issue 15): a caller takes one from its thread's stripe, else borrows one, and gives it back to its
 * stripe, so at two threads the CAS and the add are on lines no other stripe writes (one shared
 * counter was moved twice by every call of every thread).
 *
 * <p>Fairness: a caller takes a permit directly only while the waiter count is 0; otherwise it
 * joins the queue's tail, and released permits go to the queue's head. A newcomer thus never
 * overtakes a waiter, except one that joins at the very moment the newcomer looked (as with the
 * semaphore's {@code hasQueuedPredecessors}). No lost wake-up: a releaser adds its permit before it
 * reads the waiter count, a waiter counts itself before it looks for a permit, both on atomics, so
 * at least one of the two sees the other and hands the permit over.
 *
 * <p>No leak: a waiter that gives up (time out, interruption) leaves the queue under the lock; if a
 * permit was handed to it just before, it keeps it (time out) or passes it on (interruption), so a
 * caller that returns without a permit never holds one.
 *
 * <p>{@link #available()} may be negative: {@link #withdraw} takes permits away even while they are
 * held (the striped permits record the rest as owed, paid by the permits that come back), and
 * nobody is admitted until enough come back.
 */
final class FairPermits {

    private final StripedPermits available;
    /** Callers in {@link #queue}: 0 lets acquirers take a permit without the lock. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Guarded by itself. */
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

    /** @param permits the permits at the start, at least 0 */
    FairPermits(int permits) {
        this.available = new StripedPermits(permits);
    }

    /**
     * Takes a permit at once if one is free and nobody waits.
     *
     * @return whether the permit was taken
     */
    boolean tryAcquireNow() {
        return waiting.get() == 0 && available.tryAcquire();
    }

    /**
     * Waits in line for a permit, for at most {@code timeoutNanos} of real time.
     *
     * @param timeoutNanos the longest wait, at least 1
     * @return whether a permit was taken; {@code false} means none is held
     * @throws InterruptedException when interrupted before or while waiting (holding no permit)
     */
    boolean acquire(long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        Waiter me = new Waiter(Thread.currentThread());
        synchronized (queue) {
            queue.addLast(me);
            waiting.incrementAndGet();
            handOver();
        }
        while (!me.granted) {
            long left = deadline - System.nanoTime();
            if (left <= 0L || Thread.interrupted()) {
                boolean interrupted = left > 0L;
                synchronized (queue) {
                    if (!me.granted) {
                        queue.remove(me);
                        waiting.decrementAndGet();
                        handOver(); // the head may have changed; a permit may be free for the next one
                        if (interrupted) {
                            throw new InterruptedException();
                        }
                        return false;
                    }
                }
                if (interrupted) {
                    release(); // granted at the moment of the interruption: pass it on, do not keep it
                    throw new InterruptedException();
                }
                return true; // granted just as the time ran out: keep it
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    /** Gives one permit back: to the longest waiter if there is one. */
    void release() {
        available.release();
        if (waiting.get() != 0) {
            synchronized (queue) {
                handOver();
            }
        }
    }

    /** @param more permits to add (a larger limit); waiters get them first */
    void grow(int more) {
        available.changeLimitBy(more);
        synchronized (queue) {
            handOver();
        }
    }

    /** @param fewer permits to take away (a smaller limit), even from those held now */
    void withdraw(int fewer) {
        available.changeLimitBy(-fewer);
    }

    /** Hands free permits to waiters from the head of the queue. Called holding the queue's lock. */
    private void handOver() {
        Waiter head;
        while ((head = queue.peekFirst()) != null) {
            if (!available.tryAcquire()) {
                return;
            }
            queue.removeFirst();
            waiting.decrementAndGet();
            head.granted = true;
            LockSupport.unpark(head.thread);
        }
    }

    /** @return free permits, negative after a shrink while too many are held */
    int available() {
        return (int) available.free();
    }

    /** @return callers waiting in line now */
    int waiters() {
        return waiting.get();
    }

    /** One caller in line. */
    private static final class Waiter {
        final Thread thread;
        volatile boolean granted;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }
}
