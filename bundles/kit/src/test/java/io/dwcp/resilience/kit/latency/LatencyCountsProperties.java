package io.dwcp.resilience.kit.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;

/**
 * The reference is HdrHistogram itself: recording every value into a {@link Histogram} of the same
 * layout, and folding the counts into one, must read the same figures (count, minimum, maximum,
 * mean, percentiles, the count at every recorded value), for the manager's layout (1 ns to 1 h),
 * the SLO's (1 us to its highest) and any other.
 */
class LatencyCountsProperties {

    private static final double[] PERCENTILES = {0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

    @Provide
    Arbitrary<Long> latencies() {
        // spread over every magnitude: sub-microsecond to hours, plus exact slot edges
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3_600_000_000_000L),
                Arbitraries.integers().between(0, 42).flatMap(bits -> Arbitraries.longs().between(0, 1L << bits)),
                Arbitraries.integers().between(0, 41).map(bits -> 1L << bits),
                Arbitraries.integers().between(1, 41).map(bits -> (1L << bits) - 1));
    }

    @Property(tries = 300)
    void foldedCountsReadLikeTheHistogramTheValuesWereRecordedInto(
            @ForAll @Size(max = 400) List<@From("latencies") Long> values,
            @ForAll @IntRange(min = 0, max = 3) int layout, @ForAll @IntRange(min = 0, max = 4) int digits) {
        long lowest = new long[] {1, 1_000, 7, 1_024}[layout];
        long highest = new long[] {3_600_000_000_000L, 86_400_000_000_000L, 1_000_000_000L, 10_000_000_000L}[layout];
        Histogram reference = new Histogram(lowest, highest, digits);
        LatencyCounts counts = new LatencyCounts(lowest, highest, digits);
        for (long v : values) {
            long clamped = Math.max(1, Math.min(v, highest));
            reference.recordValue(clamped);
            counts.record(clamped);
        }
        Histogram folded = new Histogram(lowest, highest, digits);
        counts.addTo(folded);
        assertSameFigures(reference, folded);
        assertEquals(reference.getTotalCount(), counts.totalCount());
    }

    @Property(tries = 100)
    void countsAddedUpAndHistogramsAddedInReadLikeOneHistogram(
            @ForAll @Size(max = 200) List<@From("latencies") Long> first,
            @ForAll @Size(max = 200) List<@From("latencies") Long> second,
            @ForAll @Size(max = 200) List<@From("latencies") Long> restored) {
        long highest = 1L << 42; // the generator's largest value
        Histogram reference = new Histogram(1, highest, 2);
        LatencyCounts a = new LatencyCounts(1, highest, 2);
        LatencyCounts b = new LatencyCounts(1, highest, 2);
        Histogram saved = new Histogram(1, highest, 2);
        first.forEach(v -> { reference.recordValue(Math.max(1, v)); a.record(v); });
        second.forEach(v -> { reference.recordValue(Math.max(1, v)); b.record(v); });
        restored.forEach(v -> { reference.recordValue(Math.max(1, v)); saved.recordValue(Math.max(1, v)); });
        a.add(b);
        a.add(saved);
        Histogram folded = new Histogram(1, highest, 2);
        a.addTo(folded);
        assertSameFigures(reference, folded);
    }

    @Example
    void valuesBeyondTheRangeCountAsTheHighestAndThoseBelowOneAsOne() {
        LatencyCounts counts = new LatencyCounts(1, 1_000_000, 2);
        counts.record(Long.MAX_VALUE);
        counts.record(-5);
        Histogram folded = new Histogram(1, 1_000_000, 2);
        counts.addTo(folded);
        Histogram reference = new Histogram(1, 1_000_000, 2);
        reference.recordValue(1_000_000);
        reference.recordValue(1);
        assertSameFigures(reference, folded);
    }

    @Example
    void layoutsThatDifferAreNotAdded() {
        assertThrows(IllegalArgumentException.class,
                () -> new LatencyCounts(1, 1_000_000, 2).add(new LatencyCounts(1, 1_000_000, 3)));
        assertThrows(IllegalArgumentException.class, () -> new LatencyCounts(0, 1_000, 2));
    }

    private static void assertSameFigures(Histogram expected, Histogram actual) {
        assertEquals(expected.getTotalCount(), actual.getTotalCount(), "count");
        assertEquals(expected.getMinValue(), actual.getMinValue(), "min");
        assertEquals(expected.getMinNonZeroValue(), actual.getMinNonZeroValue(), "min non-zero");
        assertEquals(expected.getMaxValue(), actual.getMaxValue(), "max");
        assertEquals(expected.getMean(), actual.getMean(), Math.abs(expected.getMean()) * 1e-12, "mean");
        for (double p : PERCENTILES) {
            assertEquals(expected.getValueAtPercentile(p), actual.getValueAtPercentile(p), "P" + p);
        }
        expected.recordedValues().forEach(v -> assertEquals(v.getCountAtValueIteratedTo(),
                actual.getCountAtValue(v.getValueIteratedTo()), "count at " + v.getValueIteratedTo()));
    }
}
