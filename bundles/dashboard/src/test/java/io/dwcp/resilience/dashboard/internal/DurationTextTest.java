package io.dwcp.resilience.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsWhatAnOperatorTypes() {
        assertEquals(Duration.ofSeconds(90), DurationText.parsePositive("duration", "90s"));
        assertEquals(Duration.ofMinutes(5), DurationText.parsePositive("duration", " 5m "));
        assertEquals(Duration.ofHours(1), DurationText.parsePositive("duration", "1h"));
        assertEquals(Duration.ofMinutes(5), DurationText.parsePositive("duration", "PT5M"));
    }

    @Test
    void refusesWithTheFieldAndTheValue() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DurationText.parsePositive("duration", "five minutes"));
        assertTrue(bad.getMessage().startsWith("duration 'five minutes' is not a duration"), bad.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DurationText.parsePositive("duration", "0s"))
                .getMessage().contains("must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DurationText.parsePositive("duration", ""))
                .getMessage().contains("missing"));
    }

    @Test
    void formatsShortly() {
        assertEquals("45s", DurationText.format(Duration.ofSeconds(45)));
        assertEquals("4m 05s", DurationText.format(Duration.ofSeconds(245)));
        assertEquals("2h 03m", DurationText.format(Duration.ofMinutes(123)));
    }
}
