package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The P95 controller over arbitrary latency sequences and admission schedules, on a
 * {@link ManualTimeSource}: bounds, exactly the specified rule (with the probing run on top of its
 * raise), and the in-flight cap.
 */
class AdaptiveRateControllerProperties {

    private static final long MS = 1_000_000L;

    /**
     * A model of the rule: above 120 % of target -10 %, below 80 % the run's raise (+5 %, doubling with
     * every further raise of an unbroken run, at most x2), otherwise unchanged; within 100..10 000/s;
     * every change reported exactly once.
     */
    @Property(tries = 200)
    void everyChangeFollowsTheRuleAndStaysInBounds(
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = 0, max = 2_000) Long> windowLatenciesMs,
            @ForAll @IntRange(min = 100, max = 10_000) int initialRate) {
        AdaptiveRateSettings s = TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "0",
                "initial.rate", Integer.toString(initialRate), "window.samples", "20"));
        List<double[]> changes = new ArrayList<>();
        ManualTimeSource clock = new ManualTimeSource();
        AdaptiveRateController c = new AdaptiveRateController(s, initialRate, clock,
                (from, to, reason, signal, now) -> changes.add(new double[] {from, to, signal}));
        int streak = 0;
        for (long latency : windowLatenciesMs) {
            // HdrHistogram keeps two significant digits: near the band edges either side is right, so the
            // model could not tell which run it is in; such windows are not fed
            if (Math.abs(latency - 120) <= 2 || Math.abs(latency - 80) <= 1) {
                continue;
            }
            double before = c.rate();
            int changesBefore = changes.size();
            for (int i = 0; i < 20; i++) {
                clock.advanceNanos(latency * MS);
                c.record(latency * MS, clock.nanoTime());
            }
            double after = c.rate();
            double expected;
            if (latency > 120) {
                expected = Math.max(100, before * 0.9);
                streak = 0;
            } else if (latency < 80 && before < 10_000) {
                double step = Math.min(1.0, 0.05 * Math.pow(2, streak));
                expected = Math.min(10_000, before * (1 + step));
                streak++;
            } else {
                expected = before;
                streak = 0;
            }
            if (Math.abs(after - expected) > 1e-9 * expected) {
                throw new AssertionError("latency " + latency + " ms: rate " + before + " -> " + after
                        + ", expected " + expected);
            }
            if (after < 100 || after > 10_000) {
                throw new AssertionError("rate out of bounds: " + after);
            }
            if (after > before && after > before * 2 + 1e-9) {
                throw new AssertionError("a raise never more than doubles: " + before + " -> " + after);
            }
            if ((after != before) != (changes.size() == changesBefore + 1)) {
                throw new AssertionError("a change must be reported exactly once, and only a change");
            }
        }
    }

    /**
     * Whatever the schedule of admissions, completions and rate changes: a call is admitted only while
     * fewer than {@code ceil(rate x factor x target)} are in flight, the count is exact, and a lower cap
     * never drops running calls from it.
     *
     * @param ops 0..5 start a call, 6..8 finish the oldest, 9 a slow window (cut), 10 a fast one (raise)
     */
    @Property(tries = 300)
    void callsInFlightNeverExceedTheCapOfTheRateInForce(
            @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 10) Integer> ops,
            @ForAll @DoubleRange(min = 0.05, max = 2.0) double factor,
            @ForAll @IntRange(min = 100, max = 2_000) int initialRate,
            @ForAll @IntRange(min = 1, max = 200) int targetMs) {
        AdaptiveRateSettings s = TestServices.adaptive(Map.of("dwcp.operation", "send", "window.min.ms", "0",
                "window.samples", "20", "initial.rate", Integer.toString(initialRate), "target.p95.ms",
                Integer.toString(targetMs), "inflight.factor", Double.toString(factor)));
        ManualTimeSource clock = new ManualTimeSource();
        AdaptiveRateController c = new AdaptiveRateController(s, initialRate, clock, LimitListener.NONE);
        int running = 0;
        for (int op : ops) {
            int cap = (int) Math.max(1, Math.ceil(c.rate() * factor * targetMs / 1000.0 - 1e-9));
            if (Math.abs(c.inflightLimit() - cap) > 1) {
                throw new AssertionError("cap " + c.inflightLimit() + " at " + c.rate() + "/s, expected about " + cap);
            }
            if (op <= 5) {
                boolean admitted = c.tryStart();
                if (admitted != (running < c.inflightLimit())) {
                    throw new AssertionError((admitted ? "admitted" : "refused") + " with " + running + " in flight, cap "
                            + c.inflightLimit());
                }
                if (admitted) {
                    running++;
                }
            } else if (op <= 8) {
                if (running > 0) {
                    c.finished();
                    running--;
                }
            } else {
                long latency = (op == 9 ? 10L * targetMs : targetMs / 10) * MS;
                for (int i = 0; i < 20; i++) {
                    clock.advanceNanos(Math.max(1, latency));
                    c.record(latency, clock.nanoTime());
                }
            }
            if (c.inflight() != running) {
                throw new AssertionError("in flight " + c.inflight() + ", expected " + running);
            }
        }
    }
}
