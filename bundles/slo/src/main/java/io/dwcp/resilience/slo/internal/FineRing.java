package io.dwcp.resilience.slo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Call counts (total, bad, slow) in fixed-width time buckets: an {@link EpochRing} of three-count
 * cells. Each calling thread counts into its own cell of the current bucket through its
 * {@link Writer}: three plain stores at most, no atomic instruction, no line shared with another
 * thread (issue 15). A bucket is recycled only when time has moved a whole ring further, long after
 * the evaluation thread has folded it into the coarse ring.
 */
final class FineRing {

    /** Stamp of a slot that has never held a bucket. */
    static final long EMPTY = EpochRing.EMPTY;

    /** Opaque element access: a reader never sees a torn count, the writer's stores stay plain movs. */
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * A cell's three counts start this far into its array, and as much follows them: 128 bytes on
     * either side, so that two threads' cells (each written on every call) never share a cache line
     * or an adjacent-line pair, even after the collector has copied them next to each other.
     */
    private static final int PAD = 16;
    private static final int TOTAL = PAD;
    private static final int BAD = PAD + 1;
    private static final int SLOW = PAD + 2;
    private static final int LENGTH = PAD + 3 + PAD;

    private final EpochRing<long[]> ring;

    /**
     * @param widthNanos width of one bucket
     * @param minBuckets buckets the ring must hold at least (rounded up to a power of two)
     */
    FineRing(long widthNanos, int minBuckets) {
        this.ring = new EpochRing<>(widthNanos, minBuckets, () -> new long[LENGTH], FineRing::addInto);
    }

    private static void addInto(long[] from, long[] into) {
        for (int k = TOTAL; k <= SLOW; k++) {
            increment(into, k, (long) COUNT.getOpaque(from, k));
        }
    }

    private static void increment(long[] cell, int k, long x) {
        COUNT.setOpaque(cell, k, (long) COUNT.getOpaque(cell, k) + x);
    }

    /** One thread's counting into the ring; only the thread that made it may use it. */
    final class Writer {
        private final EpochRing<long[]>.Writer cells = ring.writer();

        /**
         * Counts one call in the bucket of {@code wallNanos}.
         *
         * @param wallNanos when the call ended, in wall-clock nanoseconds since the epoch
         * @param isBad     whether it spent the error budget
         * @param isSlow    whether it spent the latency budget
         */
        void record(long wallNanos, boolean isBad, boolean isSlow) {
            long[] c = cells.cellFor(wallNanos);
            if (c == null) {
                return; // ended before the oldest bucket the ring holds
            }
            increment(c, TOTAL, 1);
            if (isBad) {
                increment(c, BAD, 1);
            }
            if (isSlow) {
                increment(c, SLOW, 1);
            }
        }
    }

    /** @return a writer for the calling thread */
    Writer writer() {
        return new Writer();
    }

    /** Counts one call for a caller without a {@link Writer}: under the ring's lock. */
    void record(long wallNanos, boolean isBad, boolean isSlow) {
        ring.update(Math.floorDiv(wallNanos, ring.widthNanos()), FineRing::count, (isBad ? 1 : 0) | (isSlow ? 2 : 0));
    }

    private static void count(long[] cell, long badSlow) {
        increment(cell, TOTAL, 1);
        increment(cell, BAD, badSlow & 1);
        increment(cell, SLOW, badSlow >> 1);
    }

    /**
     * Adds counts to the bucket of {@code epoch} (restoring state).
     *
     * @return whether the slot could take them (false when it holds a newer bucket)
     */
    boolean add(long epoch, long t, long b, long s) {
        long[] cell = new long[LENGTH];
        cell[TOTAL] = t;
        cell[BAD] = b;
        cell[SLOW] = s;
        return ring.add(epoch, cell);
    }

    long widthNanos() {
        return ring.widthNanos();
    }

    int size() {
        return ring.size();
    }

    /** @return the epoch of the bucket in slot {@code i}, or a negative value when it holds none */
    long stamp(int i) {
        return ring.stamp(i);
    }

    long total(int i) {
        return ring.sum(i, c -> (long) COUNT.getOpaque(c, TOTAL));
    }

    long bad(int i) {
        return ring.sum(i, c -> (long) COUNT.getOpaque(c, BAD));
    }

    long slow(int i) {
        return ring.sum(i, c -> (long) COUNT.getOpaque(c, SLOW));
    }

    /** @return how many threads hold a cell of slot {@code i} now (tests) */
    int writersIn(int i) {
        return ring.writersIn(i);
    }
}
