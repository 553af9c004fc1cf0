package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class HysteresisProperties {

    record Observation(DegradationLevel signal, long afterNanos) {
    }

    @Provide
    Arbitrary<List<Observation>> observations() {
        return Combinators.combine(Arbitraries.of(DegradationLevel.class), Arbitraries.longs().between(0, 30_000_000_000L))
                .as(Observation::new).list().ofMaxSize(60);
    }

    /**
     * The three promises: never below the signal; a rise follows the signal at once; a level is left
     * only when every signal since the hold began was below it, and then for the worst of those.
     */
    @Property(tries = 1000)
    void neverBelowTheSignalRisesAtOnceAndFallsOnlyAfterAFullHoldBelow(@ForAll("observations") List<Observation> observations,
            @ForAll @LongRange(min = 0, max = 60_000_000_000L) long hold) {
        Hysteresis h = new Hysteresis();
        List<long[]> history = new ArrayList<>(); // {time, signal ordinal}
        long now = 0;
        DegradationLevel previous = DegradationLevel.NORMAL;
        for (Observation o : observations) {
            now += o.afterNanos();
            DegradationLevel level = h.observe(o.signal(), now, hold);
            history.add(new long[] {now, o.signal().ordinal()});
            assertTrue(level.compareTo(o.signal()) >= 0, "never below the signal");
            if (o.signal().compareTo(previous) >= 0) {
                assertEquals(o.signal(), level, "a signal at or above the level is followed at once");
            }
            if (level.compareTo(previous) < 0) {
                // fell: some observation at least `hold` ago started an unbroken run below `previous`
                long start = Long.MAX_VALUE;
                int worst = -1;
                for (int i = history.size() - 1; i >= 0 && history.get(i)[1] < previous.ordinal(); i--) {
                    start = history.get(i)[0];
                    worst = (int) Math.max(worst, history.get(i)[1]);
                }
                assertTrue(now - start >= hold, "fell after " + (now - start) + " ns below, hold " + hold);
                assertTrue(level.ordinal() <= worst, "falls at most to the worst signal seen while below");
                assertTrue(level.ordinal() >= o.signal().ordinal());
            }
            previous = level;
        }
    }
}
