package io.dwcp.resilience.degradation.internal;

import static io.dwcp.resilience.api.degradation.DegradationLevel.DEGRADED;
import static io.dwcp.resilience.api.degradation.DegradationLevel.EMERGENCY;
import static io.dwcp.resilience.api.degradation.DegradationLevel.NORMAL;
import static io.dwcp.resilience.api.degradation.DegradationLevel.SEVERELY_DEGRADED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HysteresisTest {

    private static final long S = 1_000_000_000L;
    private static final long HOLD = 60 * S;

    @Test
    void risesAtOnce() {
        Hysteresis h = new Hysteresis();
        assertEquals(EMERGENCY, h.observe(EMERGENCY, 0, HOLD));
    }

    @Test
    void leavesALevelOnlyAfterTheSignalStayedBelowForTheHold() {
        Hysteresis h = new Hysteresis();
        h.observe(DEGRADED, 0, HOLD);
        assertEquals(DEGRADED, h.observe(NORMAL, 1 * S, HOLD));
        assertEquals(DEGRADED, h.observe(NORMAL, 60 * S, HOLD), "59 s below");
        assertEquals(NORMAL, h.observe(NORMAL, 61 * S, HOLD), "60 s below");
    }

    @Test
    void aSignalBackAtTheLevelRestartsTheHold() {
        Hysteresis h = new Hysteresis();
        h.observe(DEGRADED, 0, HOLD);
        h.observe(NORMAL, 1 * S, HOLD);
        h.observe(DEGRADED, 50 * S, HOLD); // flaps back
        assertEquals(DEGRADED, h.observe(NORMAL, 51 * S, HOLD));
        assertEquals(DEGRADED, h.observe(NORMAL, 110 * S, HOLD), "59 s since the flap");
        assertEquals(NORMAL, h.observe(NORMAL, 111 * S, HOLD));
    }

    @Test
    void stepsDownThroughTheWorstLevelSeenDuringTheHold() {
        Hysteresis h = new Hysteresis();
        h.observe(EMERGENCY, 0, HOLD);
        h.observe(DEGRADED, 10 * S, HOLD);
        h.observe(NORMAL, 20 * S, HOLD);
        assertEquals(EMERGENCY, h.observe(NORMAL, 69 * S, HOLD));
        assertEquals(DEGRADED, h.observe(NORMAL, 70 * S, HOLD), "the signal was DEGRADED during the hold");
        assertEquals(DEGRADED, h.observe(NORMAL, 129 * S, HOLD), "the next step down needs a hold of its own");
        assertEquals(NORMAL, h.observe(NORMAL, 130 * S, HOLD));
    }

    @Test
    void aWorseSignalDuringTheHoldRaisesAtOnce() {
        Hysteresis h = new Hysteresis();
        h.observe(SEVERELY_DEGRADED, 0, HOLD);
        h.observe(NORMAL, 1 * S, HOLD);
        assertEquals(EMERGENCY, h.observe(EMERGENCY, 2 * S, HOLD));
    }

    @Test
    void aZeroHoldFollowsTheSignal() {
        Hysteresis h = new Hysteresis();
        h.observe(EMERGENCY, 0, 0);
        assertEquals(NORMAL, h.observe(NORMAL, 0, 0));
    }
}
