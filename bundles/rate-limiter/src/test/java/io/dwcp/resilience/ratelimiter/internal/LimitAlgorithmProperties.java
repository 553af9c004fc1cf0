package io.dwcp.resilience.ratelimiter.internal;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Gradient2 and AIMD over arbitrary sequences of windows. */
class LimitAlgorithmProperties {

    record Window(long shortRttMicros, int inflightPercent, boolean dropped) {
    }

    private static ConcurrencyLimitSettings settings(String algorithm) {
        return TestServices.concurrency(Map.of("dwcp.operation", "send", "algorithm", algorithm,
                "min.limit", "5", "max.limit", "300", "initial.limit", "20"));
    }

    @Property(tries = 300)
    void gradient2StaysInBoundsNeverGrowsUnusedAndNeverShrinksWithoutQueueing(
            @ForAll("windows") @Size(min = 1, max = 200) List<Window> windows) {
        ConcurrencyLimitSettings s = settings("gradient2");
        LimitAlgorithm algorithm = s.newAlgorithm();
        double limit = 20;
        for (Window w : windows) {
            long longBefore = algorithm.longRttNanos();
            int inflight = (int) (limit * w.inflightPercent() / 100);
            double next = algorithm.update(limit, w.shortRttMicros() * 1_000, inflight, w.dropped());
            if (next < 5 || next > 300) {
                throw new AssertionError("out of bounds: " + next);
            }
            if (inflight < limit / 2 && next > limit) {
                throw new AssertionError("grew from " + limit + " to " + next + " with only " + inflight + " in flight");
            }
            if (longBefore > 0 && w.shortRttMicros() * 1_000 <= longBefore && next < limit && limit <= 300 - 4) {
                throw new AssertionError("shrank although the short RTT was not above the long one");
            }
            if (next < limit * 0.9 - 1e-9 && limit > 5) {
                throw new AssertionError("one window may take off at most smoothing x half the limit: " + limit + " -> " + next);
            }
            limit = next;
        }
    }

    @Property(tries = 300)
    void aimdStaysInBoundsDecreasesOnDropsAndAddsAtMostOne(
            @ForAll("windows") @Size(min = 1, max = 200) List<Window> windows) {
        LimitAlgorithm algorithm = settings("aimd").newAlgorithm();
        double limit = 20;
        for (Window w : windows) {
            int inflight = (int) (limit * w.inflightPercent() / 100);
            double next = algorithm.update(limit, w.shortRttMicros() * 1_000, inflight, w.dropped());
            if (next < 5 || next > 300) {
                throw new AssertionError("out of bounds: " + next);
            }
            if (w.dropped() && next > limit) {
                throw new AssertionError("grew on a drop");
            }
            if (w.dropped() && limit > 6 && next >= limit) {
                throw new AssertionError("did not back off on a drop: " + limit);
            }
            if (next > limit + 1) {
                throw new AssertionError("added more than one");
            }
            limit = next;
        }
    }

    @Provide
    Arbitrary<List<Window>> windows() {
        return Combinators.combine(Arbitraries.longs().between(1, 5_000_000), Arbitraries.integers().between(0, 100),
                Arbitraries.of(true, false)).as(Window::new).list();
    }
}
