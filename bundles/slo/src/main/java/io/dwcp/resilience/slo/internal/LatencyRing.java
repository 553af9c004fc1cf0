package io.dwcp.resilience.slo.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (HdrHistogram) per time bucket, recorded lock-free by caller threads into
 * {@link AtomicHistogram}s, stamped and recycled like {@link FineRing}'s buckets.
 *
 * <p>Each bucket has one histogram per stripe ({@link Stripes}, by calling thread), made on the
 * stripe's first record in that slot, so that concurrent callers do not increment one histogram's
 * counts (issue 15); a read adds a bucket's stripes up.
 */
final class LatencyRing {

    /** Latencies are tracked from 1 microsecond; shorter ones are recorded as 1 microsecond. */
    static final long LOWEST_DISCERNIBLE_NANOS = 1_000L;

    private static final long ROLLING = Long.MIN_VALUE;

    private final long widthNanos;
    private final long highestNanos;
    private final int mask;
    private final AtomicLongArray stamps;
    private final int precision;
    private final int stripes;
    /** Slot {@code i}, stripe {@code k} at {@code i * stripes + k}; null until that stripe records there. */
    private final AtomicReferenceArray<AtomicHistogram> histograms;
    private volatile long currentEpoch = FineRing.NO_EPOCH;

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
        this.precision = precision;
        this.stripes = Stripes.count();
        this.histograms = new AtomicReferenceArray<>(size * stripes);
        for (int i = 0; i < size; i++) {
            stamps.set(i, FineRing.EMPTY);
        }
    }

    /**
     * @param wallNanos    when the call ended, wall-clock nanoseconds since the epoch
     * @param latencyNanos how long it took
     */
    void record(long wallNanos, long latencyNanos) {
        record(Stripes.ofCurrentThread(), wallNanos, latencyNanos);
    }

    /** {@link #record(long, long)} into a given stripe (any int, masked): for tests that choose it. */
    void record(int stripe, long wallNanos, long latencyNanos) {
        int at = slotFor(wallNanos) * stripes + (stripe & (stripes - 1));
        AtomicHistogram h = histograms.get(at);
        if (h == null) {
            h = made(at);
        }
        // at least the lowest discernible value: below it HdrHistogram cannot keep a minimum and
        // re-tries on every record (issue 15: 8 % of a call's samples for sub-microsecond calls)
        h.recordValue(Math.max(LOWEST_DISCERNIBLE_NANOS, Math.min(latencyNanos, highestNanos)));
    }

    private AtomicHistogram made(int at) {
        AtomicHistogram h = new AtomicHistogram(LOWEST_DISCERNIBLE_NANOS, highestNanos, precision);
        return histograms.compareAndSet(at, null, h) ? h : histograms.get(at);
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
        AtomicHistogram h = histograms.get(i * stripes);
        (h == null ? made(i * stripes) : h).add(histogram);
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
                for (int k = 0; k < stripes; k++) {
                    AtomicHistogram h = histograms.get(i * stripes + k);
                    if (h != null) {
                        h.reset();
                    }
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

    long highestNanos() {
        return highestNanos;
    }

    int size() {
        return mask + 1;
    }

    long stamp(int i) {
        return stamps.get(i);
    }

    /** @return how many latencies slot {@code i} holds */
    long totalCount(int i) {
        long n = 0;
        for (int k = 0; k < stripes; k++) {
            AtomicHistogram h = histograms.get(i * stripes + k);
            if (h != null) {
                n += h.getTotalCount();
            }
        }
        return n;
    }

    /** Adds slot {@code i}'s latencies (every stripe) to {@code target}. */
    void addTo(int i, AbstractHistogram target) {
        for (int k = 0; k < stripes; k++) {
            AtomicHistogram h = histograms.get(i * stripes + k);
            if (h != null) {
                target.add(h);
            }
        }
    }

    /** @return a copy of slot {@code i}'s latencies, every stripe added up */
    Histogram copy(int i) {
        Histogram copy = new Histogram(LOWEST_DISCERNIBLE_NANOS, highestNanos, precision);
        addTo(i, copy);
        return copy;
    }
}
