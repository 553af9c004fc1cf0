package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.testkit.TestInvocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutionTimerTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    /** One call: enters at the clock's current time, runs for {@code nanos}. */
    private void time(ExecutionTimer timer, long nanos) {
        TestInvocation inv = new TestInvocation("send", clock);
        long begin = timer.begin(inv);
        clock.advanceNanos(nanos);
        timer.end(inv, begin);
    }

    @Test
    void maskZeroTimesEveryCall() {
        ExecutionTimer timer = new ExecutionTimer(0);
        time(timer, 100);
        time(timer, 200);
        time(timer, 300);
        assertEquals(3, timer.samples());
        assertEquals(200.0, timer.averageNanos(), 0.0);
    }

    @Test
    void aMaskTimesAboutTheRightFractionOfCallsAndTheirMeanIsExact() {
        ExecutionTimer timer = new ExecutionTimer(63);
        int calls = 64_000;
        long timed = 0;
        long timedNanos = 0;
        long allNanos = 0;
        for (int i = 0; i < calls; i++) {
            long nanos = 100 + (i * 7919L) % 10_000; // 100 ns to 10 µs, start times as irregular as real ones
            // the calls the mask should pick: a call enters at the clock's current time
            if ((ExecutionTimer.spread(clock.nanoTime()) & 63) == 0) {
                timed++;
                timedNanos += nanos;
            }
            allNanos += nanos;
            time(timer, nanos);
        }
        // 1000 expected; the choice is a hash of the start time, so the count is deterministic.
        assertTrue(timed > 700 && timed < 1300, "timed " + timed);
        assertEquals(timed, timer.samples(), "exactly the calls the mask picks are timed");
        assertEquals((double) timedNanos / timed, timer.averageNanos(), 1e-9,
                "the mean is exactly that of the timed calls' durations");
        // the sample stands for all calls: ~3 standard errors of a 1000-call sample of these durations
        assertEquals((double) allNanos / calls, timer.averageNanos(), 300.0, "the sample's mean is biased");
    }

    @Test
    void nearbyStartTimesSpreadOverEveryLowBit() {
        Set<Integer> seen = new HashSet<>();
        for (long start = 1_000_000; start < 1_000_064; start++) {
            seen.add(ExecutionTimer.spread(start) & 63);
        }
        assertTrue(seen.size() > 32, "64 consecutive start times hit only " + seen.size() + " of 64 buckets");
    }

    @Test
    void untimedCallsDoNotReadTheClock() {
        ExecutionTimer timer = new ExecutionTimer(15);
        timer.end(null, ExecutionTimer.NOT_SAMPLED);
        assertEquals(0, timer.samples());
        assertEquals(0.0, timer.averageNanos(), 0.0);
    }

    @Test
    void onlyPowerOfTwoMinusOneMasks() {
        assertThrows(IllegalArgumentException.class, () -> new ExecutionTimer(10));
        assertThrows(IllegalArgumentException.class, () -> new ExecutionTimer(-1));
    }
}
