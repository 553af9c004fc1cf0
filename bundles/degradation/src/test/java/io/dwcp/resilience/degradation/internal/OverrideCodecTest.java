package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void refusesWhatItDidNotWrite() {
        assertThrows(IllegalArgumentException.class, () -> OverrideCodec.decode("garbage".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> OverrideCodec.decode("dwcp-degradation-overrides 1\n*\tLOUD\t5\tx\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> OverrideCodec.decode("dwcp-degradation-overrides 1\n*\tNORMAL\tsoon\tx\n".getBytes(StandardCharsets.UTF_8)));
    }
}
