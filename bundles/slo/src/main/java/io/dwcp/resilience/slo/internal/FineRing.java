package io.dwcp.resilience.slo.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Call counts in fixed-width time buckets, written lock-free by any number of caller threads.
 *
 * <p>A bucket is a slot of preallocated arrays, chosen by the bucket's epoch (wall time divided by
 * the width) masked to the ring size, and stamped with that epoch. A writer that finds its slot
 * stamped with an older epoch recycles it: it claims the slot with a CAS to {@link #ROLLING}, zeroes
 * it and stamps it; writers meeting a slot mid-recycle spin for those few stores. Recording then
 * costs one or two atomic increments. A bucket is recycled only when time has moved a whole ring
 * further, long after the evaluation thread has folded it into the coarse ring.
 */
final class FineRing {

    /** Stamp of a slot that has never held a bucket. */
    static final long EMPTY = -1L;
    /** Stamp of a slot being recycled. */
    private static final long ROLLING = Long.MIN_VALUE;

    private final long widthNanos;
    private final int mask;
    private final AtomicLongArray stamps;
    private final AtomicLongArray total;
    private final AtomicLongArray bad;
    private final AtomicLongArray slow;
    /** The latest epoch a writer saw: lets the common case skip a division. */
    private volatile long currentEpoch = Long.MIN_VALUE / 2;

    /**
     * @param widthNanos width of one bucket
     * @param minBuckets buckets the ring must hold at least (rounded up to a power of two)
     */
    FineRing(long widthNanos, int minBuckets) {
        this.widthNanos = widthNanos;
        int size = Integer.highestOneBit(Math.max(2, minBuckets) - 1) << 1;
        this.mask = size - 1;
        this.stamps = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            stamps.set(i, EMPTY);
        }
        this.total = new AtomicLongArray(size);
        this.bad = new AtomicLongArray(size);
        this.slow = new AtomicLongArray(size);
    }

    /**
     * Counts one call in the bucket of {@code wallNanos}.
     *
     * @param wallNanos when the call ended, in wall-clock nanoseconds since the epoch
     * @param isBad     whether it spent the error budget
     * @param isSlow    whether it spent the latency budget
     */
    void record(long wallNanos, boolean isBad, boolean isSlow) {
        int i = slotFor(wallNanos);
        total.getAndIncrement(i);
        if (isBad) {
            bad.getAndIncrement(i);
        }
        if (isSlow) {
            slow.getAndIncrement(i);
        }
    }

    /**
     * Adds counts to the bucket of {@code epoch} (restoring state; not concurrent with writers).
     *
     * @return whether the slot could take them (false when it holds a newer bucket)
     */
    boolean add(long epoch, long t, long b, long s) {
        int i = (int) epoch & mask;
        long stamp = stamps.get(i);
        if (stamp > epoch) {
            return false;
        }
        if (stamp < epoch) {
            recycle(i, stamp, epoch);
        }
        total.addAndGet(i, t);
        bad.addAndGet(i, b);
        slow.addAndGet(i, s);
        return true;
    }

    private int slotFor(long wallNanos) {
        long e = currentEpoch;
        long into = wallNanos - e * widthNanos;
        if (into < 0 || into >= widthNanos) {
            e = Math.floorDiv(wallNanos, widthNanos);
            if (e > currentEpoch) {
                currentEpoch = e;
            }
        }
        int i = (int) e & mask;
        long stamp = stamps.get(i);
        if (stamp < e) { // stale (or being recycled): recycle it, or wait for the writer recycling it
            recycle(i, stamp, e);
        }
        return i;
    }

    private void recycle(int i, long stamp, long epoch) {
        long s = stamp;
        while (true) {
            if (s == ROLLING) {
                Thread.onSpinWait();
            } else if (s >= epoch) {
                return;
            } else if (stamps.compareAndSet(i, s, ROLLING)) {
                total.set(i, 0);
                bad.set(i, 0);
                slow.set(i, 0);
                stamps.set(i, epoch);
                return;
            }
            s = stamps.get(i);
        }
    }

    long widthNanos() {
        return widthNanos;
    }

    int size() {
        return mask + 1;
    }

    /** @return the epoch of the bucket in slot {@code i}, or a negative value when it holds none */
    long stamp(int i) {
        return stamps.get(i);
    }

    long total(int i) {
        return total.get(i);
    }

    long bad(int i) {
        return bad.get(i);
    }

    long slow(int i) {
        return slow.get(i);
    }
}
