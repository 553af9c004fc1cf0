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
 * The striped structures of the rate limiters: the latency window reads, merged, exactly what one
 * sequential histogram would have seen; the striped permits grant exactly what one sequential count
 * would, and their bound holds under real threads.
 */
class StripedStructuresProperties {

    /**
     * Alone (one step at a time, on any stripes, with the limit moving), a permit is granted exactly
     * while fewer than the limit are held, and the free permits are always the limit less those held
     * (more are held than the limit only after a cut, until they come back).
     */
    @Property(tries = 300)
    void permitsAreGrantedExactlyWhileFewerThanTheLimitAreHeld(@ForAll @IntRange(min = 0, max = 50) int limit,
            @ForAll @Size(max = 300) List<@IntRange(min = -64, max = 95) Integer> ops) {
        StripedPermits permits = new StripedPermits(limit);
        java.util.ArrayDeque<Integer> held = new java.util.ArrayDeque<>(); // the stripe each permit was taken on
        long current = limit;
        for (int op : ops) {
            int stripe = Math.floorMod(op, Stripes.COUNT);
            if (op >= 64) {
                current = op - 64; // 0..31
                permits.setLimit(current);
            } else if (op >= 0) {
                boolean expected = held.size() < current;
                if (permits.tryAcquire(stripe) != expected) {
                    throw new AssertionError(held.size() + " held, limit " + current + ": admitted " + !expected);
                }
                if (expected) {
                    held.add(stripe);
                }
            } else if (!held.isEmpty()) {
                held.poll();
                permits.release(stripe); // given back on any stripe: only the sum counts
            }
            if (permits.free() != current - held.size()) {
                throw new AssertionError("free " + permits.free() + ", limit " + current + ", held " + held.size());
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

    /** Real threads racing for few permits never hold more than the limit at once, and give every one back. */
    @Example
    void concurrentBoundNeverExceeded() throws Exception {
        StripedPermits permits = new StripedPermits(3);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        Hammer.together(4, thread -> {
            for (int i = 0; i < 20_000; i++) {
                if (permits.tryAcquire()) {
                    admitted.incrementAndGet();
                    mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    holding.decrementAndGet();
                    permits.release();
                }
            }
        });
        if (mostHeld.get() > 3) {
            throw new AssertionError(mostHeld.get() + " permits held at once, limit 3");
        }
        if (permits.free() != 3) {
            throw new AssertionError("permits not given back: " + permits.free() + " free of 3");
        }
        if (admitted.get() == 0) {
            throw new AssertionError("nothing was admitted");
        }
    }
}
