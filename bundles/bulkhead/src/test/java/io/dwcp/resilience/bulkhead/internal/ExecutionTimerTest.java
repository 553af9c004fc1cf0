package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import org.junit.jupiter.api.Test;

class ExecutionTimerTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    @Test
    void maskZeroTimesEveryCall() {
        ExecutionTimer timer = new ExecutionTimer(0);
        for (int i = 1; i <= 3; i++) {
            long begin = timer.begin(clock);
            clock.advanceNanos(i * 100L);
            timer.end(clock, begin);
        }
        assertEquals(3, timer.samples());
        assertEquals(200.0, timer.averageNanos(), 0.0);
    }

    @Test
    void aMaskTimesAFractionOfCallsAndTheirMeanIsExact() {
        ExecutionTimer timer = new ExecutionTimer(1023);
        int calls = 200_000;
        for (int i = 0; i < calls; i++) {
            long begin = timer.begin(clock);
            clock.advanceNanos(500);
            timer.end(clock, begin);
        }
        // About 195 expected; 0 or more than a tenth of all calls would take odds below 1e-80.
        assertTrue(timer.samples() > 0 && timer.samples() < calls / 10, "timed " + timer.samples());
        assertEquals(500.0, timer.averageNanos(), 0.0);
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
