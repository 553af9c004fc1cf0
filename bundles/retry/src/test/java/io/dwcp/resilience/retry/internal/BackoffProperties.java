package io.dwcp.resilience.retry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Every backoff preset is monotone up to its cap and never above it, and every jitter mode keeps
 * the delay within its bounds around the backoff's delay.
 */
class BackoffProperties {

    @Provide
    Arbitrary<Backoff> backoffs() {
        Arbitrary<Long> initial = Arbitraries.longs().between(0, 10_000_000_000L);
        Arbitrary<Long> extra = Arbitraries.longs().between(0, 100_000_000_000L);
        Arbitrary<Double> multiplier = Arbitraries.doubles().between(1.0, 10.0);
        Arbitrary<Long> increment = Arbitraries.longs().between(0, 10_000_000_000L);
        Arbitrary<BackoffPreset> preset = Arbitraries.of(BackoffPreset.class);
        return Combinators.combine(preset, initial, extra, multiplier, increment)
                .as((p, i, e, m, inc) -> p.create(i, i + e, m, inc));
    }

    @Property
    void baseDelaysNeverDecreaseAndNeverPassTheCap(@ForAll("backoffs") Backoff backoff) {
        long previous = 0;
        for (int retry = 1; retry <= 120; retry++) {
            long delay = backoff.baseDelayNanos(retry);
            assertTrue(delay >= previous && delay <= backoff.maxDelayNanos(),
                    "retry " + retry + " of " + backoff + ": " + delay + " after " + previous);
            previous = delay;
        }
        assertEquals(backoff.initialDelayNanos(), backoff.baseDelayNanos(1));
    }

    @Property
    void onceAtTheCapADelayStaysThere(@ForAll("backoffs") Backoff backoff, @ForAll @IntRange(min = 1, max = 200) int retry) {
        if (backoff.baseDelayNanos(retry) == backoff.maxDelayNanos()) {
            assertEquals(backoff.maxDelayNanos(), backoff.baseDelayNanos(retry + 1));
            assertEquals(backoff.maxDelayNanos(), backoff.baseDelayNanos(retry + 57));
        }
    }

    @Property
    void noJitterIsTheBaseDelay(@ForAll("backoffs") Backoff backoff, @ForAll @IntRange(min = 1, max = 100) int retry,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u) {
        assertEquals(backoff.baseDelayNanos(retry), Jitter.NONE.delayNanos(backoff, retry, 0, 0.1, u));
    }

    @Property
    void proportionalJitterStaysWithinTheFactorOfTheBaseAndUnderTheCap(@ForAll("backoffs") Backoff backoff,
            @ForAll @IntRange(min = 1, max = 100) int retry, @ForAll @DoubleRange(min = 0, max = 1) double factor,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u) {
        long base = backoff.baseDelayNanos(retry);
        long delay = Jitter.PROPORTIONAL.delayNanos(backoff, retry, 0, factor, u);
        // One nanosecond of slack each way for the double arithmetic on huge values.
        long low = (long) Math.floor(base * (1 - factor)) - 1;
        long high = Math.min(backoff.maxDelayNanos(), (long) Math.ceil(base * (1 + factor)) + 1);
        assertTrue(delay >= low && delay <= high && delay <= backoff.maxDelayNanos(),
                delay + " not in [" + low + ", " + high + "] around " + base);
    }

    @Property
    void fullJitterIsBetweenZeroAndTheBase(@ForAll("backoffs") Backoff backoff,
            @ForAll @IntRange(min = 1, max = 100) int retry, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u) {
        long delay = Jitter.FULL.delayNanos(backoff, retry, 0, 0.1, u);
        assertTrue(delay >= 0 && delay <= backoff.baseDelayNanos(retry), delay + " vs base " + backoff.baseDelayNanos(retry));
    }

    @Property
    void decorrelatedJitterIsBetweenTheInitialAndThreeTimesThePreviousDelayCapped(@ForAll("backoffs") Backoff backoff,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u1,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u2) {
        long previous = 0;
        double[] us = {u1, u2, u1 * u2, 1 - u1, 1 - u2};
        for (int retry = 1; retry <= us.length; retry++) {
            long delay = Jitter.DECORRELATED.delayNanos(backoff, retry, previous, 0.1, us[retry - 1]);
            long low = backoff.initialDelayNanos();
            double high = Math.min(backoff.maxDelayNanos(), 3.0 * Math.max(previous, low));
            assertTrue(delay >= Math.min(low, backoff.maxDelayNanos()) && delay <= (long) Math.ceil(high)
                    && delay <= backoff.maxDelayNanos(), delay + " not in [" + low + ", " + high + "]");
            previous = delay;
        }
    }
}
