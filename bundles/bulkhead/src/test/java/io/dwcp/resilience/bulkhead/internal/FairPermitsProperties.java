package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.testkit.Hammer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The queue bulkhead's permits are conserved: free + held = limit after any mix of operations. */
class FairPermitsProperties {

    enum Op { TRY_NOW, WAIT_BRIEFLY, RELEASE, GROW, SHRINK }

    /** One thread, a random script: the model is the limit and the permits held. */
    @Property(tries = 300)
    void permitsAreConservedUnderAnyScript(@ForAll @IntRange(min = 0, max = 5) int initial,
            @ForAll @Size(max = 60) List<Op> script) throws Exception {
        FairPermits permits = new FairPermits(initial);
        int limit = initial;
        int held = 0;
        for (Op op : script) {
            switch (op) {
                case TRY_NOW -> {
                    boolean took = permits.tryAcquireNow();
                    assertEquals(limit - held > 0, took, "a permit is taken exactly when one is free");
                    held += took ? 1 : 0;
                }
                case WAIT_BRIEFLY -> {
                    boolean took = permits.acquire(1);
                    if (limit - held > 0) {
                        assertTrue(took, "a free permit is handed to a lone waiter at once");
                    }
                    held += took ? 1 : 0;
                }
                case RELEASE -> {
                    if (held > 0) {
                        permits.release();
                        held--;
                    }
                }
                case GROW -> {
                    permits.grow(2);
                    limit += 2;
                }
                case SHRINK -> {
                    if (limit > 0) {
                        permits.withdraw(1);
                        limit--;
                    }
                }
            }
            assertEquals(limit - held, permits.available(), "free = limit - held after " + op);
            assertEquals(0, permits.waiters(), "nobody left in line after " + op);
        }
    }

    /**
     * Threads take, wait for, give back and resize at once: never more holders than the limit
     * allows, and every permit back at the end with nobody in line.
     */
    @Property(tries = 25)
    void threadsNeverExceedTheLimitAndLeakNothing(@ForAll @IntRange(min = 1, max = 4) int limit,
            @ForAll @IntRange(min = 2, max = 5) int threads, @ForAll long seed) throws Exception {
        FairPermits permits = new FairPermits(limit);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger resizes = new AtomicInteger();
        Hammer.together(threads, thread -> {
            Random random = new Random(seed + thread);
            for (int i = 0; i < 400; i++) {
                int dice = random.nextInt(20);
                if (dice == 0 && thread == 0) {
                    // a resize back and forth: the limit is the same before and after
                    permits.grow(1);
                    permits.withdraw(1);
                    resizes.incrementAndGet();
                    continue;
                }
                boolean took = dice < 10 ? permits.tryAcquireNow()
                        : permits.acquire(TimeUnit.MICROSECONDS.toNanos(random.nextInt(200) + 1));
                if (took) {
                    peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    if (random.nextBoolean()) {
                        Thread.yield();
                    }
                    inside.decrementAndGet();
                    permits.release();
                }
            }
        });
        assertEquals(limit, permits.available(), "every permit back");
        assertEquals(0, permits.waiters(), "nobody left in line");
        // A grow lets one more in until its withdraw; so the peak may be limit + 1 once the test resized.
        assertTrue(peak.get() <= limit + (resizes.get() > 0 ? 1 : 0), "peak " + peak + " over limit " + limit);
    }
}
