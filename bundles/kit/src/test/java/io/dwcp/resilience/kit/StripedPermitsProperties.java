package io.dwcp.resilience.kit;

import io.dwcp.resilience.testkit.Hammer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Striped permits grant exactly what one sequential count would, and their bound holds under real threads. */
class StripedPermitsProperties {

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
