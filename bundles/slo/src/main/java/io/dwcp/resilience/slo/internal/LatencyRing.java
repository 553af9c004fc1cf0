package io.dwcp.resilience.slo.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.AtomicHistogram;

/**
 * Latency histograms (HdrHistogram) per time bucket, recorded lock-free by caller threads into
 * preallocated {@link AtomicHistogram}s, stamped and recycled like {@link FineRing}'s buckets.
 */
final class LatencyRing {

    /** Latencies are tracked from 1 microsecond; shorter ones land in the first bucket. */
    static final long LOWEST_DISCERNIBLE_NANOS = 1_000L;

    private static final long ROLLING = Long.MIN_VALUE;

    private final long widthNanos;
    private final long highestNanos;
    private final int mask;
    private final AtomicLongArray stamps;
    private final AtomicHistogram[] histograms;
    private volatile long currentEpoch = Long.MIN_VALUE / 2;

    /**
     * @param widthNanos   width of one bucket
     * @param minBuckets   buckets the ring must hold at least (rounded up to a power of two)
     * @param highestNanos the largest latency tracked; longer ones count as this
     * @param precision    significant decimal digits
     */
    LatencyRing(long widthNanos, int minBuckets, long highestNanos, int precision) {
        this.widthNanos = widthNanos;
        this.highestNanos = highestNanos;
        int size = Integer.highestOneBit(Math.max(2, minBuckets) - 1) << 1;
        this.mask = size - 1;
        this.stamps = new AtomicLongArray(size);
        this.histograms = new AtomicHistogram[size];
        for (int i = 0; i < size; i++) {
            stamps.set(i, FineRing.EMPTY);
            histograms[i] = new AtomicHistogram(LOWEST_DISCERNIBLE_NANOS, highestNanos, precision);
        }
    }

    /**
     * @param wallNanos    when the call ended, wall-clock nanoseconds since the epoch
     * @param latencyNanos how long it took
     */
    void record(long wallNanos, long latencyNanos) {
        histograms[slotFor(wallNanos)].recordValue(latencyNanos < 0 ? 0 : Math.min(latencyNanos, highestNanos));
    }

    /**
     * Adds a whole histogram to the bucket of {@code epoch} (restoring state; not concurrent with writers).
     *
     * @return whether the slot could take it
     */
    boolean add(long epoch, AbstractHistogram histogram) {
        int i = (int) epoch & mask;
        long stamp = stamps.get(i);
        if (stamp > epoch) {
            return false;
        }
        if (stamp < epoch) {
            recycle(i, stamp, epoch);
        }
        histograms[i].add(histogram);
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
                histograms[i].reset();
                stamps.set(i, epoch);
                return;
            }
            s = stamps.get(i);
        }
    }

    long widthNanos() {
        return widthNanos;
    }

    long highestNanos() {
        return highestNanos;
    }

    int size() {
        return mask + 1;
    }

    long stamp(int i) {
        return stamps.get(i);
    }

    /** @return slot {@code i}'s histogram: read it, do not record into it */
    AtomicHistogram histogram(int i) {
        return histograms[i];
    }
}
