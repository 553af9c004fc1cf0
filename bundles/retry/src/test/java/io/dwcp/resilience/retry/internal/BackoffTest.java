package io.dwcp.resilience.retry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static List<Long> delays(Backoff backoff, int retries) {
        List<Long> delays = new ArrayList<>();
        for (int retry = 1; retry <= retries; retry++) {
            delays.add(backoff.baseDelayNanos(retry));
        }
        return delays;
    }

    @Test
    void exponentialDoublesUpToTheCap() {
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), delays(new ExponentialBackoff(100, 1000, 2.0), 6));
    }

    @Test
    void exponentialSaturatesInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, new ExponentialBackoff(1, Long.MAX_VALUE, 100.0).baseDelayNanos(1_000));
    }

    @Test
    void linearAddsTheIncrementUpToTheCap() {
        assertEquals(List.of(100L, 150L, 200L, 250L, 260L), delays(new LinearBackoff(100, 260, 50), 5));
    }

    @Test
    void fibonacciMultipliesTheBaseByTheFibonacciNumbers() {
        assertEquals(List.of(10L, 10L, 20L, 30L, 50L, 80L, 130L, 200L), delays(new FibonacciBackoff(10, 200), 8));
    }

    @Test
    void fibonacciOfAHugeRetryNumberIsTheCap() {
        assertEquals(5_000L, new FibonacciBackoff(1, 5_000).baseDelayNanos(Integer.MAX_VALUE));
    }

    @Test
    void fixedIsAlwaysTheSame() {
        assertEquals(List.of(70L, 70L, 70L), delays(new FixedBackoff(70), 3));
    }

    @Test
    void presetsBuildTheirBackoff() {
        assertEquals(400L, BackoffPreset.EXPONENTIAL.create(100, 1000, 2.0, 0).baseDelayNanos(3));
        assertEquals(300L, BackoffPreset.LINEAR.create(100, 1000, 2.0, 100).baseDelayNanos(3));
        assertEquals(200L, BackoffPreset.FIBONACCI.create(100, 1000, 2.0, 0).baseDelayNanos(3));
        assertEquals(100L, BackoffPreset.FIXED.create(100, 1000, 2.0, 0).baseDelayNanos(3));
    }

    @Test
    void aShrinkingBackoffCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(100, 1000, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new LinearBackoff(100, 1000, -1));
        assertThrows(IllegalArgumentException.class, () -> new FibonacciBackoff(100, 10));
    }

    @Test
    void jitterModesAtTheEndsOfTheRandomRange() {
        Backoff b = new ExponentialBackoff(1_000, 10_000, 2.0);
        assertEquals(2_000, Jitter.NONE.delayNanos(b, 2, 0, 0.1, 0.7));
        assertEquals(1_800, Jitter.PROPORTIONAL.delayNanos(b, 2, 0, 0.1, 0.0));
        assertEquals(2_000, Jitter.PROPORTIONAL.delayNanos(b, 2, 0, 0.1, 0.5));
        assertEquals(10_000, Jitter.PROPORTIONAL.delayNanos(b, 5, 0, 0.5, 1.0), "capped at the maximum");
        assertEquals(0, Jitter.FULL.delayNanos(b, 2, 0, 0.1, 0.0));
        assertEquals(1_000, Jitter.FULL.delayNanos(b, 2, 0, 0.1, 0.5));
        assertEquals(1_000, Jitter.DECORRELATED.delayNanos(b, 1, 0, 0.1, 0.0), "never below the initial delay");
        assertEquals(3_000, Jitter.DECORRELATED.delayNanos(b, 1, 0, 0.1, 1.0), "up to 3 x the initial");
        assertEquals(10_000, Jitter.DECORRELATED.delayNanos(b, 4, 8_000, 0.1, 1.0), "capped");
    }
}
