package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.Stripes;
import io.dwcp.resilience.testkit.Hammer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;

/**
 * The striped latency window of the adaptive rate limiter reads, merged, exactly what one
 * sequential histogram would have seen (the striped permits' properties are the kit's).
 */
class StripedStructuresProperties {

    /** Samples recorded on any stripes merge into the histogram one shared histogram would hold. */
    @Property(tries = 200)
    void mergedWindowIsTheSequentialHistogram(
            @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 5_000_000) Long> micros,
            @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 1_000) Integer> stripes) {
        StripedLatencyWindow window = new StripedLatencyWindow(AdaptiveRateController.HIGHEST_MICROS);
        Histogram sequential = new Histogram(AdaptiveRateController.HIGHEST_MICROS, 2);
        for (int i = 0; i < micros.size(); i++) {
            window.recordOn(stripes.get(i % stripes.size()) % Stripes.COUNT, micros.get(i));
            sequential.recordValue(micros.get(i));
            if (window.count() != i + 1) {
                throw new AssertionError("count " + window.count() + " after " + (i + 1) + " samples");
            }
        }
        Histogram merged = window.closeAndMerge();
        if (!merged.equals(sequential)) {
            throw new AssertionError("merged window differs from the sequential histogram");
        }
        if (window.count() != 0) {
            throw new AssertionError("the next window starts with " + window.count() + " samples");
        }
        // the closed set was cleared: the window after next starts empty too
        if (window.closeAndMerge().getTotalCount() != 0 || window.closeAndMerge().getTotalCount() != 0) {
            throw new AssertionError("a closed window kept samples");
        }
    }
}
