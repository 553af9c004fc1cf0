package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The P95 controller over arbitrary latency sequences: bounds, and exactly the specified rule. */
class AdaptiveRateControllerProperties {

    private static final long MS = 1_000_000L;

    @Property(tries = 200)
    void everyChangeFollowsTheRuleAndStaysInBounds(
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 2_000) Long> windowLatenciesMs,
            @ForAll @IntRange(min = 100, max = 10_000) int initialRate) {
        AdaptiveRateSettings s = AdaptiveRateSettings.from(Map.of("dwcp.operation", "send", "window.min.ms", "0", "initial.rate",
                Integer.toString(initialRate), "window.samples", "20"));
        List<double[]> changes = new ArrayList<>();
        ManualTimeSource clock = new ManualTimeSource();
        AdaptiveRateController c = new AdaptiveRateController(s, initialRate, clock,
                (from, to, reason, signal, now) -> changes.add(new double[] {from, to, signal}));
        for (long latency : windowLatenciesMs) {
            double before = c.rate();
            int changesBefore = changes.size();
            for (int i = 0; i < 20; i++) {
                clock.advanceNanos(latency * MS);
                c.record(latency * MS, clock.nanoTime());
            }
            double after = c.rate();
            double expected = Math.max(100, Math.min(10_000, latency * MS > 120 * MS ? before * 0.9
                    : latency * MS < 80 * MS ? before * 1.05 : before));
            // HdrHistogram keeps two significant digits: near the band edges accept either side.
            boolean nearEdge = Math.abs(latency - 120) <= 2 || Math.abs(latency - 80) <= 1;
            if (!nearEdge && Math.abs(after - expected) > 1e-9) {
                throw new AssertionError("latency " + latency + " ms: rate " + before + " -> " + after
                        + ", expected " + expected);
            }
            if (after < 100 || after > 10_000) {
                throw new AssertionError("rate out of bounds: " + after);
            }
            if ((after != before) != (changes.size() == changesBefore + 1)) {
                throw new AssertionError("a change must be reported exactly once, and only a change");
            }
        }
    }
}
