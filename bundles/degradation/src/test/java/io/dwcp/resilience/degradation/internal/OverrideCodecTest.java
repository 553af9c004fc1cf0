package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.nio.charset.StandardCharsets;
import io.dwcp.resilience.kit.StateCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverrideCodecTest {

    @Test
    void roundTripsAndFlattensTabsAndNewlinesInReasons() {
        List<OverrideRecord> records = List.of(new OverrideRecord("*", DegradationLevel.EMERGENCY, 1_767_225_600_000L, "incident\t42\nsee ticket"),
                new OverrideRecord("health/transport", DegradationLevel.NORMAL, 5, "known"));
        List<OverrideRecord> back = OverrideCodec.decode(OverrideCodec.encode(records));
        assertEquals(2, back.size());
        assertEquals("incident 42 see ticket", back.get(0).reason());
        assertEquals(records.get(1), back.get(1));
    }

    @Test
    void isAKitStateRecordUnderTheConventionalKey() {
        String text = new String(OverrideCodec.encode(List.of(new OverrideRecord("*", DegradationLevel.DEGRADED, 5, "drill"))),
                StandardCharsets.UTF_8);
        assertTrue(text.startsWith("dwcp-state=1\nkind=degradation\nversion=1\n"), text);
        assertEquals("degradation/overrides", OverrideCodec.KEY);
    }

    @Test
    void refusesWhatItDidNotWrite() {
        assertThrows(IllegalArgumentException.class, () -> OverrideCodec.decode("garbage".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> OverrideCodec.decode(
                "dwcp-degradation-overrides 1\n*\tNORMAL\t5\tx\n".getBytes(StandardCharsets.UTF_8)), "the old format");
        assertThrows(IllegalArgumentException.class, () -> OverrideCodec.decode(StateCodec.encode("degradation", 1,
                Map.of("count", "1", "0.component", "*", "0.level", "LOUD", "0.expires", "5", "0.reason", "x"))));
        assertThrows(IllegalArgumentException.class, () -> OverrideCodec.decode(StateCodec.encode("degradation", 1,
                Map.of("count", "1", "0.component", "*", "0.level", "NORMAL", "0.expires", "soon", "0.reason", "x"))));
    }
}
