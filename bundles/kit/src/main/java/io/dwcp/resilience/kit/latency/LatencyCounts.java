package io.dwcp.resilience.kit.latency;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latencies counted the way an HdrHistogram of the same range and precision counts them, for one
 * writing thread on the call path, read by folding into a histogram ({@link #addTo}).
 *
 * <p>Why not record into the histogram directly: {@code Histogram.recordValue} also keeps the total
 * count, the minimum and the maximum on every record (volatile fields, compared on every call), and
 * checks the index range; in the full chain's profiles (issue 15) recording was 9 % of the
 * manager's and 4 % of the SLO send budget's share of the call. Here a record is one index
 * computation (the same as HdrHistogram's) and one store into this thread's own array; the total,
 * minimum, maximum, mean and percentiles are computed when read, from the counts. Folded into a
 * histogram with the same lowest discernible value, highest trackable value and significant
 * digits, the counts land in the same slots as recording every value there would have put them,
 * so every figure read from it (count, minimum, maximum, mean, any percentile, the count at any
 * value) is the same: HdrHistogram reports all of them at the resolution of its slots anyway.
 * Latencies are counted from 1 (a value below counts as 1).
 *
 * <p>One writer: only one thread may {@link #record} (a per-thread cell, e.g. in
 * {@link io.dwcp.resilience.kit.ThreadCells}); any thread may read. Counts are written and read
 * opaque (plain moves on x86, never torn): a read racing the writer may miss records in flight,
 * never more, and sees every count it has seen again on the next read.
 *
 * @since 1.1
 */
public final class LatencyCounts {

    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long lowest;
    private final long highest;
    private final int digits;
    private final int unitMagnitude;
    private final int subBucketHalfCountMagnitude;
    private final int subBucketHalfCount;
    private final long subBucketMask;
    private final int leadingZeroCountBase;
    private final long[] counts;

    /**
     * The layout of {@code new Histogram(lowest, highest, digits)}.
     *
     * @param lowest  the lowest discernible value, at least 1
     * @param highest the highest trackable value, at least {@code 2 * lowest}; larger values count as this
     * @param digits  significant decimal digits, 0 to 5
     */
    public LatencyCounts(long lowest, long highest, int digits) {
        if (lowest < 1 || highest < 2 * lowest || digits < 0 || digits > 5) {
            throw new IllegalArgumentException("latency counts need 1 <= lowest, 2 * lowest <= highest, 0 <= digits <= 5");
        }
        this.lowest = lowest;
        this.highest = highest;
        this.digits = digits;
        // the same arithmetic as HdrHistogram's AbstractHistogram.init, so the slots are the same
        long largestValueWithSingleUnitResolution = 2 * (long) Math.pow(10, digits);
        int subBucketCountMagnitude = (int) Math.ceil(Math.log(largestValueWithSingleUnitResolution) / Math.log(2));
        this.subBucketHalfCountMagnitude = (subBucketCountMagnitude > 1 ? subBucketCountMagnitude : 1) - 1;
        int subBucketCount = 1 << (subBucketHalfCountMagnitude + 1);
        this.subBucketHalfCount = subBucketCount / 2;
        this.unitMagnitude = (int) (Math.log(lowest) / Math.log(2));
        this.subBucketMask = ((long) subBucketCount - 1) << unitMagnitude;
        this.leadingZeroCountBase = 64 - unitMagnitude - subBucketHalfCountMagnitude - 1;
        long smallestUntrackable = ((long) subBucketCount) << unitMagnitude;
        int buckets = 1;
        while (smallestUntrackable <= highest) {
            if (smallestUntrackable > Long.MAX_VALUE / 2) {
                buckets++;
                break;
            }
            smallestUntrackable <<= 1;
            buckets++;
        }
        this.counts = new long[(buckets + 1) * subBucketHalfCount];
    }

    /**
     * Counts one latency; only the owning thread may call this.
     *
     * @param value the latency; below 1 counts as 1, above the highest trackable value as that
     */
    public void record(long value) {
        int i = index(Math.max(1, Math.min(value, highest)));
        COUNT.setOpaque(counts, i, (long) COUNT.getOpaque(counts, i) + 1);
    }

    /**
     * Counts {@code count} latencies of {@code value} (restoring state; the owning thread only).
     *
     * @param value the latency, clamped as in {@link #record}
     * @param count how many, at least 0
     */
    public void record(long value, long count) {
        int i = index(Math.max(1, Math.min(value, highest)));
        COUNT.setOpaque(counts, i, (long) COUNT.getOpaque(counts, i) + count);
    }

    private int index(long value) {
        int bucket = leadingZeroCountBase - Long.numberOfLeadingZeros(value | subBucketMask);
        int subBucket = (int) (value >>> (bucket + unitMagnitude));
        return ((bucket + 1) << subBucketHalfCountMagnitude) + (subBucket - subBucketHalfCount);
    }

    /**
     * @return a value of slot {@code i} that HdrHistogram records exactly like any other of the slot:
     *         its lowest, or 1 in the first slot (values are counted from 1, and HdrHistogram keeps
     *         a maximum for a value above 0 only)
     */
    private long valueAt(int i) {
        int bucket = (i >> subBucketHalfCountMagnitude) - 1;
        int subBucket = (i & (subBucketHalfCount - 1)) + subBucketHalfCount;
        if (bucket < 0) {
            subBucket -= subBucketHalfCount;
            bucket = 0;
        }
        return Math.max(1, (long) subBucket << (bucket + unitMagnitude));
    }

    /**
     * Adds these counts to {@code target} (any thread). With the same lowest, highest and digits as
     * these counts, {@code target} then reads exactly as if every value had been recorded into it.
     *
     * @param target the histogram to add to
     */
    public void addTo(AbstractHistogram target) {
        for (int i = 0; i < counts.length; i++) {
            long c = (long) COUNT.getOpaque(counts, i);
            if (c != 0) {
                target.recordValueWithCount(valueAt(i), c);
            }
        }
    }

    /**
     * Adds another thread's counts (or a histogram's, see {@link #add(AbstractHistogram)}) into
     * these; the owning thread only, or under the lock that makes the caller the only writer.
     *
     * @param other counts of the same layout
     */
    public void add(LatencyCounts other) {
        if (other.counts.length != counts.length || other.unitMagnitude != unitMagnitude
                || other.subBucketHalfCountMagnitude != subBucketHalfCountMagnitude) {
            throw new IllegalArgumentException("latency counts of another layout");
        }
        for (int i = 0; i < counts.length; i++) {
            long c = (long) COUNT.getOpaque(other.counts, i);
            if (c != 0) {
                COUNT.setOpaque(counts, i, (long) COUNT.getOpaque(counts, i) + c);
            }
        }
    }

    /**
     * Adds a histogram's counts into these (restoring state); as {@link #add(LatencyCounts)}.
     *
     * @param histogram a histogram, best of the same layout (else its values are re-slotted)
     */
    public void add(AbstractHistogram histogram) {
        for (HistogramIterationValue v : histogram.recordedValues()) {
            record(histogram.lowestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo());
        }
    }

    /** @return how many latencies these counts hold (any thread; a sum over the slots) */
    public long totalCount() {
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            total += (long) COUNT.getOpaque(counts, i);
        }
        return total;
    }

    /** @return the lowest discernible value of the layout */
    public long lowest() {
        return lowest;
    }

    /** @return the highest trackable value of the layout */
    public long highest() {
        return highest;
    }

    /** @return the significant decimal digits of the layout */
    public int digits() {
        return digits;
    }
}
