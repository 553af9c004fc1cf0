package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The merged read of a striped histogram equals one histogram that recorded the same values in sequence. */
class StripedHistogramProperties {

    private static final long HIGHEST = OperationRuntime.MAX_RECORDED_NANOS;

    @Property(tries = 300)
    void mergedReadEqualsSequentialModel(@ForAll @IntRange(min = 1, max = 9) int stripes,
            @ForAll @Size(max = 200) List<@LongRange(min = 1, max = 3_600_000_000_000L) Long> values,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 63) Integer> stripeOfEach) {
        StripedHistogram striped = new StripedHistogram(HIGHEST, 2, stripes);
        Histogram model = new Histogram(1, HIGHEST, 2);
        for (int i = 0; i < values.size(); i++) {
            int stripe = stripeOfEach.isEmpty() ? 0 : stripeOfEach.get(i % stripeOfEach.size());
            striped.recordValue(stripe, values.get(i));
            model.recordValue(values.get(i));
        }
        Histogram merged = striped.copy();
        assertEquals(model.getTotalCount(), merged.getTotalCount());
        assertEquals(model, merged, "every bucket's count");
        if (model.getTotalCount() > 0) {
            assertEquals(model.getMinValue(), merged.getMinValue());
            assertEquals(model.getMaxValue(), merged.getMaxValue());
            assertEquals(model.getValueAtPercentile(95), merged.getValueAtPercentile(95));
        }
    }

    @Property(tries = 50)
    void stripeCountIsThePowerOfTwoAtOrAboveTheRequest(@ForAll @IntRange(min = 1, max = 64) int requested) {
        int n = new StripedHistogram(1000, 2, requested).stripes();
        assertEquals(n, Integer.highestOneBit(n), "a power of two");
        assertEquals(true, n >= requested && n < 2 * requested, n + " stripes for " + requested);
    }

    @Test
    void concurrentRecordersLoseNoCount() throws InterruptedException {
        // six threads on four stripes: two pairs share a stripe, which must stay exact too
        StripedHistogram striped = new StripedHistogram(HIGHEST, 2, 4);
        Thread[] threads = new Thread[6];
        for (int t = 0; t < threads.length; t++) {
            long value = 1000L * (t + 1);
            int stripe = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    striped.recordValue(stripe, value);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Histogram merged = striped.copy();
        assertEquals(60_000, merged.getTotalCount());
        for (int t = 0; t < threads.length; t++) {
            assertEquals(10_000, merged.getCountAtValue(1000L * (t + 1)), "thread " + t + "'s values");
        }
    }

    @Test
    void anUnusedHistogramReadsEmpty() {
        assertEquals(0, new StripedHistogram(HIGHEST, 2, 8).copy().getTotalCount());
    }
}
