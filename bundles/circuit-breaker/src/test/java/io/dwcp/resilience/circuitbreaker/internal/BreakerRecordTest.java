package io.dwcp.resilience.circuitbreaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.circuitbreaker.internal.BreakerState.Cause;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BreakerRecordTest {

    @Property(tries = 200)
    void aRecordReadsBackAsWritten(@ForAll CircuitBreakerState state, @ForAll Cause cause,
            @ForAll @LongRange(min = 0) long until, @ForAll @LongRange(min = 0) long duration,
            @ForAll @IntRange(min = 0) int trips, @ForAll long saved) {
        BreakerRecord r = new BreakerRecord("consensus", state, cause, until, duration, trips, saved);
        assertEquals(r, BreakerRecord.parse(r.toBytes()));
    }

    @Test
    void aRecordIsPlainTextAnOperatorCanRead() {
        String text = new String(new BreakerRecord("send", CircuitBreakerState.OPEN, Cause.CALLS, 1_767_225_660_000L,
                60_000, 1, 1_767_225_600_000L).toBytes(), StandardCharsets.UTF_8);
        assertTrue(text.contains("state=OPEN\n") && text.contains("openUntilMillis=1767225660000\n"), text);
    }

    @Test
    void aDamagedRecordIsRefusedWithTheReason() {
        String envelope = "dwcp-state=1\nkind=circuit-breaker\nversion=1\n";
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BreakerRecord.parse("dwcp-state=1\nkind=circuit-breaker\nversion=2\n".getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("expected 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BreakerRecord.parse((envelope + "operation=send\nstate=AJAR\n").getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("invalid circuit-breaker record"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BreakerRecord.parse((envelope + "operation=send\nstate=OPEN\ncause=CALLS\n").getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("missing openUntilMillis"));
    }
}
