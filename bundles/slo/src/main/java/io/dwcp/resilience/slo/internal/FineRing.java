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
 *
 * <p>The counts are striped by the calling thread ({@link Stripes}): each stripe has its own arrays,
 * so two callers recording into the same bucket increment different cache lines instead of
 * bouncing one between the cores on every call (issue 15). A read adds the stripes up.
 */
final class FineRing {

    /** Stamp of a slot that has never held a bucket. */
    static final long EMPTY = -1L;
    /** Stamp of a slot being recycled. */
    private static final long ROLLING = Long.MIN_VALUE;

    /** Longs before and after a stripe's counts: no two stripes' counts share a cache line. */
    private static final int PAD = 8;
    private static final int TOTAL = 0;
    private static final int BAD = 1;
    private static final int SLOW = 2;

    private final long widthNanos;
    private final int mask;
    private final AtomicLongArray stamps;
    /** Per stripe: total, bad and slow of slot {@code i} at {@code PAD + 3i + TOTAL/BAD/SLOW}. */
    private final AtomicLongArray[] counts;
    private final int stripeMask;
    /** {@link #currentEpoch} before any write: no epoch, so the first write divides. */
    static final long NO_EPOCH = Long.MIN_VALUE;
    /** The latest epoch a writer saw: lets the common case skip a division. */
    private volatile long currentEpoch = NO_EPOCH;

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
        this.counts = new AtomicLongArray[Stripes.count()];
        for (int k = 0; k < counts.length; k++) {
            counts[k] = new AtomicLongArray(PAD + 3 * size + PAD);
        }
        this.stripeMask = counts.length - 1;
    }

    /**
     * Counts one call in the bucket of {@code wallNanos}.
     *
     * @param wallNanos when the call ended, in wall-clock nanoseconds since the epoch
     * @param isBad     whether it spent the error budget
     * @param isSlow    whether it spent the latency budget
     */
    void record(long wallNanos, boolean isBad, boolean isSlow) {
        record(Stripes.ofCurrentThread(), wallNanos, isBad, isSlow);
    }

    /** {@link #record(long, boolean, boolean)} into a given stripe (any int, masked): for tests that choose it. */
    void record(int stripe, long wallNanos, boolean isBad, boolean isSlow) {
        int at = PAD + 3 * slotFor(wallNanos);
        AtomicLongArray c = counts[stripe & stripeMask];
        c.getAndIncrement(at + TOTAL);
        if (isBad) {
            c.getAndIncrement(at + BAD);
        }
        if (isSlow) {
            c.getAndIncrement(at + SLOW);
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
        int at = PAD + 3 * i;
        counts[0].addAndGet(at + TOTAL, t);
        counts[0].addAndGet(at + BAD, b);
        counts[0].addAndGet(at + SLOW, s);
        return true;
    }

    private int slotFor(long wallNanos) {
        long e = currentEpoch;
        long into = wallNanos - e * widthNanos;
        // before the first write there is no epoch to compare with: its product with the width
        // overflowed (it was Long.MIN_VALUE / 2), and for a width that is a multiple of 4 came out
        // as 0, so a call ending in the first bucket after the clock's zero was taken as in that
        // sentinel "epoch": counted in slot 0 under the EMPTY stamp instead of the bucket's own
        if (e == FineRing.NO_EPOCH || into < 0 || into >= widthNanos) {
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
                int at = PAD + 3 * i;
                for (AtomicLongArray c : counts) {
                    c.set(at + TOTAL, 0);
                    c.set(at + BAD, 0);
                    c.set(at + SLOW, 0);
                }
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
        return sum(i, TOTAL);
    }

    long bad(int i) {
        return sum(i, BAD);
    }

    long slow(int i) {
        return sum(i, SLOW);
    }

    private long sum(int i, int which) {
        int at = PAD + 3 * i + which;
        long sum = 0;
        for (AtomicLongArray c : counts) {
            sum += c.get(at);
        }
        return sum;
    }
}
