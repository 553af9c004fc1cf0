package io.dwcp.resilience.slo.internal;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (HdrHistogram) per time bucket: an {@link EpochRing} of histograms. Each
 * calling thread records into its own plain {@link Histogram} of the current bucket through its
 * {@link Writer}: no atomic instruction, no line shared with another thread (issue 15); a read adds
 * a bucket's histograms up. A reader reads another thread's plain {@code long} counts: on the
 * 64-bit JVMs this runs on such reads are never torn, and {@link Histogram#add} totals the counts
 * it saw, so the sum is consistent.
 */
final class LatencyRing {

    /** Latencies are tracked from 1 microsecond; shorter ones are recorded as 1 microsecond. */
    static final long LOWEST_DISCERNIBLE_NANOS = 1_000L;

    private final long highestNanos;
    private final int precision;
    private final EpochRing<Histogram> ring;

    /**
     * @param widthNanos   width of one bucket
     * @param minBuckets   buckets the ring must hold at least (rounded up to a power of two)
     * @param highestNanos the largest latency tracked; longer ones count as this
     * @param precision    significant decimal digits
     */
    LatencyRing(long widthNanos, int minBuckets, long highestNanos, int precision) {
        this.highestNanos = highestNanos;
        this.precision = precision;
        this.ring = new EpochRing<>(widthNanos, minBuckets, this::empty, (from, into) -> into.add(from));
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
        private final EpochRing<Histogram>.Writer cells = ring.writer();

        /**
         * @param wallNanos    when the call ended, wall-clock nanoseconds since the epoch
         * @param latencyNanos how long it took
         */
        void record(long wallNanos, long latencyNanos) {
            Histogram h = cells.cellFor(wallNanos);
            if (h != null) {
                h.recordValue(clamped(latencyNanos));
            }
        }
    }

    /** @return a writer for the calling thread */
    Writer writer() {
        return new Writer();
    }

    /** Records one latency for a caller without a {@link Writer}: under the ring's lock. */
    void record(long wallNanos, long latencyNanos) {
        ring.update(Math.floorDiv(wallNanos, ring.widthNanos()), Histogram::recordValue, clamped(latencyNanos));
    }

    /**
     * Adds a whole histogram to the bucket of {@code epoch} (restoring state).
     *
     * @return whether the slot could take it
     */
    boolean add(long epoch, AbstractHistogram histogram) {
        Histogram h = empty();
        h.add(histogram);
        return ring.add(epoch, h);
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
        return ring.sum(i, Histogram::getTotalCount);
    }

    /** Adds slot {@code i}'s latencies (every thread's) to {@code target}. */
    void addTo(int i, AbstractHistogram target) {
        ring.read(i, target::add);
    }

    /** @return a copy of slot {@code i}'s latencies, every thread's added up */
    Histogram copy(int i) {
        Histogram copy = empty();
        addTo(i, copy);
        return copy;
    }
}
