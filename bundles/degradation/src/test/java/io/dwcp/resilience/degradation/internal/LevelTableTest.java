package io.dwcp.resilience.degradation.internal;

import static io.dwcp.resilience.api.degradation.DegradationLevel.DEGRADED;
import static io.dwcp.resilience.api.degradation.DegradationLevel.EMERGENCY;
import static io.dwcp.resilience.api.degradation.DegradationLevel.NORMAL;
import static io.dwcp.resilience.api.degradation.DegradationLevel.SEVERELY_DEGRADED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LevelTableTest {

    private final LevelTable table = LevelTable.SPECIFIED;

    @Test
    void theSpecifiedTableStartsEachLevelAboveItsFactor() {
        assertEquals(NORMAL, table.levelFor(0));
        assertEquals(NORMAL, table.levelFor(1.0), "at the threshold is not above it");
        assertEquals(DEGRADED, table.levelFor(1.0001));
        assertEquals(DEGRADED, table.levelFor(1.5));
        assertEquals(SEVERELY_DEGRADED, table.levelFor(1.5001));
        assertEquals(SEVERELY_DEGRADED, table.levelFor(2.0));
        assertEquals(EMERGENCY, table.levelFor(2.0001));
        assertEquals(EMERGENCY, table.levelFor(Double.POSITIVE_INFINITY));
        assertEquals(NORMAL, table.levelFor(Double.NaN));
    }
}
