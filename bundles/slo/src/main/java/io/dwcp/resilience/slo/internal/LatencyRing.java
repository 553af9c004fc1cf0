package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.kit.latency.LatencyCounts;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (HdrHistogram) per time bucket: an {@link EpochRing} of latency counts in
 * HdrHistogram's slots ({@link LatencyCounts}). Each calling thread records into its own cell of the
 * current bucket through its {@link Writer}: no atomic instruction, no line shared with another
 * thread, and a record is one slot computation and one store (issue 15: recording into a plain
 * {@link Histogram} also kept its count, minimum and maximum on every call); a read folds a
 * bucket's cells into a {@link Histogram} of the same layout, which then reads exactly as if every
 * latency had been recorded into it.
 */
final class LatencyRing {

    /** Latencies are tracked from 1 microsecond; shorter ones are recorded as 1 microsecond. */
    static final long LOWEST_DISCERNIBLE_NANOS = 1_000L;

    private final long highestNanos;
    private final int precision;
    private final EpochRing<LatencyCounts> ring;

    /**
     * @param widthNanos   width of one bucket
     * @param minBuckets   buckets the ring must hold at least (rounded up to a power of two)
     * @param highestNanos the largest latency tracked; longer ones count as this
     * @param precision    significant decimal digits
     */
    LatencyRing(long widthNanos, int minBuckets, long highestNanos, int precision) {
        this.highestNanos = highestNanos;
        this.precision = precision;
        this.ring = new EpochRing<>(widthNanos, minBuckets, this::emptyCounts, (from, into) -> into.add(from));
    }

    private LatencyCounts emptyCounts() {
        return new LatencyCounts(LOWEST_DISCERNIBLE_NANOS, highestNanos, precision);
    }

    private Histogram empty() {
        return new Histogram(LOWEST_DISCERNIBLE_NANOS, highestNanos, precision);
    }

    private long clamped(long latencyNanos) {
        // at least the lowest discernible value: below it HdrHistogram cannot keep a minimum
        return Math.max(LOWEST_DISCERNIBLE_NANOS, Math.min(latencyNanos, highestNanos));
    }

    /** One thread's recording into the ring; only the thread that made it may use it. */
    final class Writer {
        private final EpochRing<LatencyCounts>.Writer cells = ring.writer();

        /**
         * @param wallNanos    when the call ended, wall-clock nanoseconds since the epoch
         * @param latencyNanos how long it took
         */
        void record(long wallNanos, long latencyNanos) {
            LatencyCounts c = cells.cellFor(wallNanos);
            if (c != null) {
                c.record(clamped(latencyNanos));
            }
        }
    }

    /** @return a writer for the calling thread */
    Writer writer() {
        return new Writer();
    }

    /** Records one latency for a caller without a {@link Writer}: under the ring's lock. */
    void record(long wallNanos, long latencyNanos) {
        ring.update(Math.floorDiv(wallNanos, ring.widthNanos()), LatencyCounts::record, clamped(latencyNanos));
    }

    /**
     * Adds a whole histogram to the bucket of {@code epoch} (restoring state).
     *
     * @return whether the slot could take it
     */
    boolean add(long epoch, AbstractHistogram histogram) {
        LatencyCounts c = emptyCounts();
        c.add(histogram);
        return ring.add(epoch, c);
    }

    long widthNanos() {
        return ring.widthNanos();
    }

    long highestNanos() {
        return highestNanos;
    }

    int size() {
        return ring.size();
    }

    long stamp(int i) {
        return ring.stamp(i);
    }

    /** @return how many latencies slot {@code i} holds */
    long totalCount(int i) {
        return ring.sum(i, LatencyCounts::totalCount);
    }

    /** Adds slot {@code i}'s latencies (every thread's) to {@code target}. */
    void addTo(int i, AbstractHistogram target) {
        ring.read(i, counts -> counts.addTo(target));
    }

    /** @return a copy of slot {@code i}'s latencies, every thread's added up */
    Histogram copy(int i) {
        Histogram copy = empty();
        addTo(i, copy);
        return copy;
    }
}
