package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.kit.Stripes;
import io.dwcp.resilience.testkit.Hammer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The striped concurrency limit's contract (class comment of {@link ConcurrencyLimiter}): random
 * scripts of acquires and releases on several stripes, time advances and limit changes on a
 * {@link ManualTimeSource}. A call is admitted exactly when fewer than the limit are in flight (so
 * never more, and never a refusal with a place free), and every permit comes back.
 */
class StripedConcurrencyLimiterProperties {

    private static final long MS = 1_000_000L;

    enum Kind { ACQUIRE, RELEASE, ADVANCE, SET_LIMIT }

    record Op(Kind kind, int stripe, int value) {
    }

    private static ConcurrencyLimitSettings fixed(int limit, int windowSamples) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", "send");
        props.put("initial.limit", Integer.toString(limit));
        props.put("min.limit", Integer.toString(limit));
        props.put("max.limit", Integer.toString(limit));
        props.put("window.samples", Integer.toString(windowSamples));
        props.put("window.min.ms", "5");
        return TestServices.concurrency(props);
    }

    @Property(tries = 500)
    void admittedExactlyWhileFewerThanTheLimitAreInFlight(
            @ForAll @IntRange(min = 1, max = 40) int firstLimit,
            @ForAll @IntRange(min = 1, max = 30) int windowSamples,
            @ForAll("ops") @Size(min = 1, max = 400) List<Op> script) {
        ManualTimeSource clock = new ManualTimeSource();
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(fixed(firstLimit, windowSamples), firstLimit, -1, clock,
                (from, to, reason, signal, now) -> { });
        List<Deque<Long>> inFlight = new ArrayList<>(); // per stripe, the start of each call in flight
        for (int i = 0; i < Stripes.COUNT; i++) {
            inFlight.add(new ArrayDeque<>());
        }
        int calls = 0;
        for (Op op : script) {
            int stripe = Stripes.of(op.stripe());
            switch (op.kind()) {
                case ACQUIRE -> {
                    boolean free = calls < limiter.limit();
                    boolean admitted = limiter.tryAcquire(stripe);
                    assertEquals(free, admitted, (admitted ? "admitted" : "refused") + " with " + calls
                            + " in flight and a limit of " + limiter.limit());
                    if (admitted) {
                        inFlight.get(stripe).add(clock.nanoTime());
                        calls++;
                    }
                }
                case RELEASE -> {
                    Deque<Long> mine = inFlight.get(stripe);
                    if (!mine.isEmpty()) {
                        long start = mine.poll();
                        calls--;
                        limiter.release(stripe, clock.nanoTime() - start, op.value() % 7 == 0, clock.nanoTime());
                    }
                }
                case ADVANCE -> clock.advanceNanos(op.value() * MS);
                case SET_LIMIT -> limiter.reconfigure(fixed(op.value(), windowSamples), clock.nanoTime());
            }
            assertEquals(calls, limiter.inflight(), "calls in flight");
        }
        for (int stripe = 0; stripe < Stripes.COUNT; stripe++) {
            for (Long start : inFlight.get(stripe)) {
                limiter.release(stripe, clock.nanoTime() - start, false, clock.nanoTime());
            }
        }
        assertEquals(0, limiter.inflight());
        assertEquals(limiter.limit(), limiter.freePermits(), "every permit came back, none made");
    }

    /** Threads on their own stripes: never more in flight than the limit, every permit back. */
    @Test
    void concurrentCallersNeverExceedTheLimitAndGiveEveryPermitBack() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(fixed(9, 10), 9, -1, clock, (f, t, r, s, n) -> { });
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        Hammer.together(4, thread -> {
            for (int i = 0; i < 50_000; i++) {
                if (limiter.tryAcquire()) {
                    admitted.incrementAndGet();
                    worst.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    if (i % 3 == 0) {
                        Thread.yield(); // hold the permit a little, so that stripes run dry and borrow
                    }
                    inside.decrementAndGet();
                    limiter.release(MS, false, clock.nanoTime());
                }
            }
        });
        assertTrue(worst.get() <= 9, "at most 9 at once, saw " + worst.get());
        assertTrue(admitted.get() > 0);
        assertEquals(0, limiter.inflight());
        assertEquals(9, limiter.freePermits(), "every permit came back");
    }

    /** The same while the limit moves: never more than the highest limit, and the permits add up after. */
    @Test
    void limitChangesRacingWithCallersKeepThePermitsWhole() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(fixed(8, 10), 8, -1, clock, (f, t, r, s, n) -> { });
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        Hammer.together(4, thread -> {
            if (thread == 3) {
                for (int i = 0; i < 2_000; i++) {
                    limiter.reconfigure(fixed(i % 2 == 0 ? 2 : 8, 10), clock.nanoTime());
                }
                limiter.reconfigure(fixed(5, 10), clock.nanoTime());
                return;
            }
            for (int i = 0; i < 50_000; i++) {
                if (limiter.tryAcquire()) {
                    worst.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    inside.decrementAndGet();
                    limiter.release(MS, false, clock.nanoTime());
                }
            }
        });
        assertTrue(worst.get() <= 8, "at most the highest limit, saw " + worst.get());
        assertEquals(0, limiter.inflight());
        assertEquals(5, limiter.limit());
        assertEquals(5, limiter.freePermits(), "every permit came back, none made");
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> acquire = Arbitraries.integers().between(0, 63).map(s -> new Op(Kind.ACQUIRE, s, 0));
        Arbitrary<Op> release = Combinators.combine(Arbitraries.integers().between(0, 63),
                Arbitraries.integers().between(0, 100)).as((s, v) -> new Op(Kind.RELEASE, s, v));
        Arbitrary<Op> advance = Arbitraries.integers().between(0, 20).map(v -> new Op(Kind.ADVANCE, 0, v));
        Arbitrary<Op> setLimit = Arbitraries.integers().between(1, 40).map(v -> new Op(Kind.SET_LIMIT, 0, v));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, acquire), net.jqwik.api.Tuple.of(4, release),
                net.jqwik.api.Tuple.of(2, advance), net.jqwik.api.Tuple.of(1, setLimit)).list();
    }
}
