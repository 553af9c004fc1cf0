package io.dwcp.resilience.timeout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdaptiveTimeoutTest {

    private static final long MS = 1_000_000L;

    private static AdaptiveTimeout specified(long initialMs) {
        return new AdaptiveTimeout(initialMs * MS, 10 * MS, 300_000 * MS, 0.95, 1.10, 2.0);
    }

    @Test
    void aSuccessShrinksTheTimeoutByFivePercent() {
        AdaptiveTimeout t = specified(1_000);
        t.onSuccess(10 * MS);
        assertEquals(950 * MS, t.currentNanos());
        t.onSuccess(10 * MS);
        assertEquals(902_500_000L, t.currentNanos());
    }

    @Test
    void aSuccessNeverLeavesTheTimeoutBelowTwiceTheObservedLatency() {
        AdaptiveTimeout t = specified(1_000);
        t.onSuccess(490 * MS);
        assertEquals(980 * MS, t.currentNanos());
        t.onSuccess(700 * MS);
        assertEquals(1_400 * MS, t.currentNanos(), "a slow success raises it to 2 x latency");
    }

    @Test
    void aFailureGrowsTheTimeoutByTenPercent() {
        AdaptiveTimeout t = specified(1_000);
        t.onFailure();
        assertEquals(1_100 * MS, t.currentNanos());
    }

    @Test
    void theTimeoutStaysWithinTenMillisecondsAndFiveMinutes() {
        AdaptiveTimeout t = specified(11);
        for (int i = 0; i < 10; i++) {
            t.onSuccess(1_000);
        }
        assertEquals(10 * MS, t.currentNanos());
        AdaptiveTimeout u = specified(299_000);
        u.onFailure();
        assertEquals(300_000 * MS, u.currentNanos());
        u.onSuccess(200_000 * MS);
        assertEquals(300_000 * MS, u.currentNanos(), "2 x 200 s is capped too");
    }

    @Test
    void aRestoredValueIsClampedIntoTheBounds() {
        AdaptiveTimeout t = specified(1_000);
        t.restore(1);
        assertEquals(10 * MS, t.currentNanos());
        t.restore(Long.MAX_VALUE);
        assertEquals(300_000 * MS, t.currentNanos());
    }
}
