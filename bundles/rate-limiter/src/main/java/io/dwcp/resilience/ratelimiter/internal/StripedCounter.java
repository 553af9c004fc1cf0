package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.Stripes;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A count that many threads move, striped like a {@link java.util.concurrent.atomic.LongAdder} (each
 * thread writes its own {@link Stripes stripe}, one cache-line pair apart from the others) but with
 * a bounded increment: {@link #tryIncrement(long)} admits only while the total stays within a limit.
 * Used for the calls in flight of the adaptive rate limiter, which every admitted call moved twice
 * through one shared CAS target.
 *
 * <p><b>The bound.</b> {@link #tryIncrement} adds one to its stripe first and then sums all stripes;
 * over the limit it takes the one back and refuses. Whichever of several concurrent callers
 * incremented last sees every earlier increment in its sum, so the total of the admitted never
 * exceeds the limit. The price: callers racing at the limit may all refuse where one place was free
 * (a refusal a moment early, never an admission too many). Alone, a thread sees exactly the
 * sequential behaviour: admitted while {@code count < limit}.
 *
 * <p>A decrement may land on another stripe than its increment (the sum is what counts), so a
 * stripe may go negative; {@link #sum()} is exact whenever the writers are quiet.
 */
final class StripedCounter {

    /** Longs between two stripes: 128 bytes, so no two share a line or an adjacent-line prefetch pair. */
    private static final int SPACING = 16;

    private final AtomicLongArray cells = new AtomicLongArray((Stripes.COUNT + 1) * SPACING);

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first line is left empty: it neighbours the array header
    }

    /**
     * Adds one unless the total would exceed {@code limit}.
     *
     * @param limit the most the total may be
     * @return whether it was added
     */
    boolean tryIncrement(long limit) {
        int slot = slot(Stripes.ofCurrentThread());
        cells.getAndIncrement(slot);
        if (sum() > limit) {
            cells.getAndDecrement(slot);
            return false;
        }
        return true;
    }

    /** Takes one off (a place given back). */
    void decrement() {
        cells.getAndDecrement(slot(Stripes.ofCurrentThread()));
    }

    /** Adds one on the stripe {@code stripe}, without a bound (for tests that model several threads). */
    void incrementOn(int stripe) {
        cells.getAndIncrement(slot(stripe));
    }

    /** Takes one off on the stripe {@code stripe} (for tests that model several threads). */
    void decrementOn(int stripe) {
        cells.getAndDecrement(slot(stripe));
    }

    /** @return the total over every stripe */
    long sum() {
        long total = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += cells.get(slot(i));
        }
        return total;
    }
}
