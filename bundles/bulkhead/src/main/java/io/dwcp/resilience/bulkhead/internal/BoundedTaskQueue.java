package io.dwcp.resilience.bulkhead.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The work queue of a thread-pool bulkhead: bounded, with a capacity that can change while the
 * pool runs (an {@link java.util.concurrent.ArrayBlockingQueue}'s cannot).
 *
 * <p>Only {@link #offer(Runnable)} admits work, which is all a
 * {@link java.util.concurrent.ThreadPoolExecutor} uses; it checks the size and inserts under one
 * monitor so that concurrent submitters never push the queue past its capacity. After a shrink,
 * tasks already queued stay; new ones are refused until the queue is below the new capacity.
 */
final class BoundedTaskQueue extends LinkedBlockingQueue<Runnable> {

    private static final long serialVersionUID = 1L;

    private volatile int capacity;

    /** @param capacity the most tasks it holds, at least 1 */
    BoundedTaskQueue(int capacity) {
        this.capacity = capacity;
    }

    /** @param capacity the new bound, at least 1 */
    void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    /** @return the current bound */
    int capacity() {
        return capacity;
    }

    @Override
    public synchronized boolean offer(Runnable task) {
        return size() < capacity && super.offer(task);
    }

    @Override
    public boolean offer(Runnable task, long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("a bulkhead's work queue admits work only through offer(task)");
    }

    @Override
    public void put(Runnable task) {
        throw new UnsupportedOperationException("a bulkhead's work queue admits work only through offer(task)");
    }

    @Override
    public int remainingCapacity() {
        return Math.max(0, capacity - size());
    }
}
