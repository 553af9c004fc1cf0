package io.dwcp.resilience.timeout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

/** The adaptive timeout follows its two rules exactly and never leaves its bounds. */
class AdaptiveTimeoutProperties {

    private static final long MS = 1_000_000L;
    private static final long MIN = 10 * MS;
    private static final long MAX = 300_000 * MS;

    /** A latency for a success, or -1 for a failure. */
    @Provide
    Arbitrary<List<Long>> outcomes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 400_000 * MS)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 50 * MS)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(-1L)))
                .list().ofMaxSize(300);
    }

    @Property
    void everyUpdateFollowsTheSpecifiedRuleWithinTheBounds(@ForAll("outcomes") List<Long> outcomes,
            @ForAll @LongRange(min = 10 * MS, max = 300_000 * MS) long initial) {
        AdaptiveTimeout t = new AdaptiveTimeout(initial, MIN, MAX, 0.95, 1.10, 2.0);
        for (long latency : outcomes) {
            long before = t.currentNanos();
            if (latency < 0) {
                t.onFailure();
                long after = t.currentNanos();
                assertEquals(Math.min(MAX, (long) (before * 1.10)), after);
                assertTrue(after >= before);
            } else {
                t.onSuccess(latency);
                long after = t.currentNanos();
                long expected = Math.min(MAX, Math.max(MIN, (long) Math.max(before * 0.95, 2.0 * latency)));
                assertEquals(expected, after);
                assertTrue(after >= Math.min(MAX, 2 * latency), "never below 2 x latency (up to the cap)");
            }
            assertTrue(t.currentNanos() >= MIN && t.currentNanos() <= MAX);
        }
    }

    /**
     * At the minimum, a success either leaves it there or raises it to {@code multiplier x latency}:
     * whatever the multiplier, factor and minimum, latencies around {@code min / multiplier} (where
     * the shortcut for fast calls decides) follow the same rule as everywhere else.
     */
    @Property(tries = 2_000)
    void atTheMinimumASuccessFollowsTheRuleAroundTheShortcutsEdge(
            @ForAll @LongRange(min = 1, max = 1_000 * MS) long min,
            @ForAll @DoubleRange(min = 1.0, max = 8.0) double multiplier,
            @ForAll @DoubleRange(min = 0.01, max = 1.0) double successFactor,
            @ForAll @LongRange(min = -3, max = 3) long offset) {
        AdaptiveTimeout t = new AdaptiveTimeout(min, min, 4 * min + 8, successFactor, 1.10, multiplier);
        long edge = (long) (min / multiplier);
        for (long latency : new long[] {edge + offset, edge / 2, 0, -1, edge * 2}) {
            t.restore(min);
            t.onSuccess(latency);
            double floor = multiplier * Math.max(0, latency);
            double shrunk = min * successFactor;
            double raw = Math.max(shrunk, floor);
            long expected = raw < min ? min : raw >= 4 * min + 8 ? 4 * min + 8 : (long) raw;
            assertEquals(expected, t.currentNanos(), "latency " + latency);
        }
    }
}
