package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.LoadShedException;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadShedderTest {

    private static final int N = 10_000;

    private static ShedTable table(Map<String, Object> config) {
        return LoadShedSettings.from(Configs.of("dwcp.loadshed~all", config)).table();
    }

    /** Evenly spread numbers in [0, 1): out of N calls exactly round(p * N) fall below p. */
    private static UniformRandom evenlySpread() {
        int[] i = {0};
        return () -> ((i[0]++ % N) + 0.5) / N;
    }

    private static int shedOutOfN(LoadShedder shedder, String operation, DegradationLevel level) {
        int shed = 0;
        for (int i = 0; i < N; i++) {
            try {
                shedder.admit(operation, level);
            } catch (LoadShedException e) {
                shed++;
            }
        }
        return shed;
    }

    @Test
    void theDefaultsShedTheLeastImportantFirstAndMoreAsTheLevelWorsens() {
        LoadShedder shedder = new LoadShedder(table(Map.of()), evenlySpread());
        Map<DegradationLevel, List<Integer>> shed = new LinkedHashMap<>();
        for (DegradationLevel level : DegradationLevel.values()) {
            shed.put(level, List.of(shedOutOfN(shedder, "consensus", level), shedOutOfN(shedder, "send", level),
                    shedOutOfN(shedder, "sync", level), shedOutOfN(shedder, "receive", level)));
        }
        // consensus > send > sync > receive in importance
        assertEquals(List.of(0, 0, 0, 0), shed.get(DegradationLevel.NORMAL));
        assertEquals(List.of(0, 0, 500, 2_000), shed.get(DegradationLevel.DEGRADED));
        assertEquals(List.of(0, 1_000, 2_500, 5_000), shed.get(DegradationLevel.SEVERELY_DEGRADED));
        assertEquals(List.of(0, 3_000, 6_000, 9_000), shed.get(DegradationLevel.EMERGENCY));
    }

    @Test
    void thePriorityOrderIsConfigurable() {
        LoadShedder shedder = new LoadShedder(table(Map.of("priorities", "receive,sync,send,consensus")), evenlySpread());
        assertEquals(2_000, shedOutOfN(shedder, "consensus", DegradationLevel.DEGRADED));
        assertEquals(0, shedOutOfN(shedder, "receive", DegradationLevel.EMERGENCY));
    }

    @Test
    void anUnrankedOperationIsShedLikeTheLeastImportant() {
        LoadShedder shedder = new LoadShedder(table(Map.of()), evenlySpread());
        assertEquals(shedOutOfN(shedder, "receive", DegradationLevel.SEVERELY_DEGRADED),
                shedOutOfN(shedder, "gossip", DegradationLevel.SEVERELY_DEGRADED));
        assertEquals(5, shedder.table().rank("gossip"));
    }

    @Test
    void theExceptionNamesOperationLevelAndOdds() {
        LoadShedder shedder = new LoadShedder(table(Map.of("shed_degraded", "1", "shed_severely_degraded", "1", "shed_emergency", "1")),
                () -> 0.99);
        LoadShedException e = assertThrows(LoadShedException.class, () -> shedder.admit("receive", DegradationLevel.DEGRADED));
        assertEquals("receive", e.operation());
        assertEquals("DEGRADED", e.level());
        assertEquals("receive: shed at degradation level DEGRADED (100% of calls at priority 4 of 4 are shed)", e.getMessage());
        assertTrue(e.isRejection());
        assertTrue(!e.isRetryable());
    }

    @Test
    void aCertainProbabilityShedsWithoutDrawingAndZeroNeverDraws() {
        int[] draws = {0};
        LoadShedder shedder = new LoadShedder(table(Map.of("shed_degraded", "1,0", "shed_severely_degraded", "1,0",
                "shed_emergency", "1,0")), () -> {
            draws[0]++;
            return 0;
        });
        assertThrows(LoadShedException.class, () -> shedder.admit("receive", DegradationLevel.DEGRADED));
        shedder.admit("sync", DegradationLevel.DEGRADED);
        shedder.admit("receive", DegradationLevel.NORMAL);
        assertEquals(0, draws[0]);
    }

    @Test
    void refusesTablesThatBreakThePromises() {
        assertRefused(Map.of("shed_degraded", "0.1,0.2"), "shed.degraded", "must not increase");
        assertRefused(Map.of("shed_severely_degraded", "0.1"), "shed.severely.degraded",
                "sheds the least important operation less (0.1) than shed.degraded does (0.2)");
        assertRefused(Map.of("shed_emergency", "0.9,0.6"), "shed.emergency",
                "sheds the 3rd least important operation less (0.0) than shed.severely.degraded does (0.1)");
        assertRefused(Map.of("shed_emergency", "0.9,0.6,0.3,0.1,0.05"), "shed.emergency", "5 probabilities for 4");
        assertRefused(Map.of("shed_degraded", "1.2"), "shed.degraded", "must be between 0 and 1");
        assertRefused(Map.of("shed_degraded", "lots"), "shed.degraded", "not a number");
        assertRefused(Map.of("priorities", "send,send"), "priorities", "listed twice");
        assertRefused(Map.of("priorities", " "), "priorities", "at least one");
        assertRefused(Map.of("dwcp_operation", "SEND"), "dwcp.operation", "invalid operation name");
    }

    private static void assertRefused(Map<String, Object> config, String key, String reason) {
        io.dwcp.resilience.api.InvalidConfigurationException e = assertThrows(io.dwcp.resilience.api.InvalidConfigurationException.class,
                () -> table(config));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("configuration dwcp.loadshed~all refused: " + key + "="), e.getMessage());
    }
}
