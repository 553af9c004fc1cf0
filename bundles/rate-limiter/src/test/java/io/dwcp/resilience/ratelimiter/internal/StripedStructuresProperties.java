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
 * The striped structures of the adaptive rate limiter read, merged, exactly what one sequential
 * counter or histogram would have seen, and the striped in-flight bound holds under real threads.
 */
class StripedStructuresProperties {

    /** Increments and decrements spread over stripes sum to the sequential count. */
    @Property(tries = 300)
    void counterSumIsTheSequentialCount(
            @ForAll @Size(max = 200) List<@IntRange(min = -64, max = 63) Integer> ops) {
        StripedCounter counter = new StripedCounter();
        long sequential = 0;
        for (int op : ops) {
            int stripe = Math.floorMod(op, Stripes.COUNT);
            if (op >= 0) {
                counter.incrementOn(stripe);
                sequential++;
            } else {
                counter.decrementOn(stripe);
                sequential--;
            }
            if (counter.sum() != sequential) {
                throw new AssertionError("sum " + counter.sum() + ", sequential " + sequential);
            }
        }
    }

    /** Alone, the bounded increment admits exactly while the count is below the limit, like a CAS loop. */
    @Property(tries = 300)
    void boundedIncrementIsTheSequentialBound(@ForAll @IntRange(min = 0, max = 50) int limit,
            @ForAll @Size(max = 200) List<Boolean> starts) {
        StripedCounter counter = new StripedCounter();
        int sequential = 0;
        for (boolean start : starts) {
            if (start) {
                boolean expected = sequential < limit;
                if (counter.tryIncrement(limit) != expected) {
                    throw new AssertionError("count " + sequential + ", limit " + limit + ": admitted " + !expected);
                }
                if (expected) {
                    sequential++;
                }
            } else if (sequential > 0) {
                counter.decrement();
                sequential--;
            }
            if (counter.sum() != sequential) {
                throw new AssertionError("sum " + counter.sum() + ", sequential " + sequential);
            }
        }
    }

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

    /** Real threads racing for few places never hold more than the limit at once, and give every place back. */
    @Example
    void concurrentBoundNeverExceeded() throws Exception {
        StripedCounter counter = new StripedCounter();
        int limit = 3;
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        int threads = 4;
        Hammer.together(threads, thread -> {
            for (int i = 0; i < 20_000; i++) {
                if (counter.tryIncrement(limit)) {
                    admitted.incrementAndGet();
                    int now = holding.incrementAndGet();
                    mostHeld.accumulateAndGet(now, Math::max);
                    holding.decrementAndGet();
                    counter.decrement();
                }
            }
        });
        if (mostHeld.get() > limit) {
            throw new AssertionError(mostHeld.get() + " places held at once, limit " + limit);
        }
        if (counter.sum() != 0) {
            throw new AssertionError("places not given back: " + counter.sum());
        }
        if (admitted.get() == 0) {
            throw new AssertionError("nothing was admitted");
        }
    }
}
