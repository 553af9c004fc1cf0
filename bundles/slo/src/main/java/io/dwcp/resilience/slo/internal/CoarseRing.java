package io.dwcp.resilience.slo.internal;

import java.util.Arrays;

/**
 * Counts per coarse time bucket over the whole window, filled only by the evaluation thread when it
 * folds settled fine buckets in (callers never touch it), so it needs no atomics; the owner guards
 * it with its monitor.
 */
final class CoarseRing {

    private final long widthNanos;
    private final int mask;
    private final long[] stamps;
    private final long[] total;
    private final long[] bad;
    private final long[] slow;
    private final long[] downNanos;

    /**
     * @param widthNanos width of one bucket
     * @param minBuckets buckets the ring must hold at least (rounded up to a power of two)
     */
    CoarseRing(long widthNanos, int minBuckets) {
        this.widthNanos = widthNanos;
        int size = Integer.highestOneBit(Math.max(2, minBuckets) - 1) << 1;
        this.mask = size - 1;
        this.stamps = new long[size];
        Arrays.fill(stamps, FineRing.EMPTY);
        this.total = new long[size];
        this.bad = new long[size];
        this.slow = new long[size];
        this.downNanos = new long[size];
    }

    /**
     * Adds counts to the bucket of {@code epoch}, recycling its slot if that held an older bucket.
     *
     * @return whether they were kept (false when the slot holds a newer bucket: they fell out of the ring)
     */
    boolean add(long epoch, long t, long b, long s, long down) {
        int i = (int) epoch & mask;
        if (stamps[i] > epoch) {
            return false;
        }
        if (stamps[i] < epoch) {
            stamps[i] = epoch;
            total[i] = 0;
            bad[i] = 0;
            slow[i] = 0;
            downNanos[i] = 0;
        }
        total[i] += t;
        bad[i] += b;
        slow[i] += s;
        downNanos[i] += down;
        return true;
    }

    long widthNanos() {
        return widthNanos;
    }

    int size() {
        return mask + 1;
    }

    long stamp(int i) {
        return stamps[i];
    }

    long total(int i) {
        return total[i];
    }

    long bad(int i) {
        return bad[i];
    }

    long slow(int i) {
        return slow[i];
    }

    long downNanos(int i) {
        return downNanos[i];
    }
}
