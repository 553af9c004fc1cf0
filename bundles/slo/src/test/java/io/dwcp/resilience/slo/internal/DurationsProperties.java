package io.dwcp.resilience.slo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DurationsProperties {

    @Property
    void formatThenParseGivesTheSameDuration(@ForAll @LongRange(min = 0, max = 400L * 86_400_000L) long millis) {
        Duration d = Duration.ofMillis(millis);
        assertEquals(d, Durations.parse(Durations.format(d)));
    }
}
