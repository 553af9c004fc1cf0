package io.dwcp.resilience.ratelimiter.internal;

import static io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.MS;
import static io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.Result;
import io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The adaptive strategies against a fake server whose latency grows with load, in simulated time,
 * each next to fixed limits. The figures go to {@code target/overload-simulation.md} (and the log)
 * for docs/PERFORMANCE.md. Seeded: the same figures every run.
 */
class OverloadSimulationTest {

    private static final StringBuilder REPORT = new StringBuilder();

    /** 16 workers x 20 ms = 800 calls/s of capacity, offered 1500/s; clients give up after 1 s. */
    private static final Scenario RATE_SCENARIO = new Scenario(16, 20 * MS, 1_500, SECOND, 180 * SECOND,
            60 * SECOND, 42);

    /** 8 workers x 25 ms = 320 calls/s of capacity, offered twice that. */
    private static final Scenario SECOND_RATE_SCENARIO = new Scenario(8, 25 * MS, 640, SECOND, 180 * SECOND,
            60 * SECOND, 43);

    /** 50 workers x 10 ms = 5000 calls/s of capacity, offered twice that; clients give up after 1 s. */
    private static final Scenario CONCURRENCY_SCENARIO = new Scenario(50, 10 * MS, 10_000, SECOND, 180 * SECOND,
            60 * SECOND, 7);

    @Test
    void theP95ControllerConvergesNearItsTargetWhereAFixedRateCollapses() {
        ManualTimeSource clock = new ManualTimeSource();
        AdaptiveRateSettings s = AdaptiveRateSettings.from(Map.of("dwcp.operation", "send"));
        Result adaptive = OverloadSimulation.run("adaptive P95 (send defaults)", RATE_SCENARIO, clock,
                OverloadSimulation.adaptiveRate(new AdaptiveRateController(s, s.initialRate(), clock,
                        LimitListener.NONE)));
        ManualTimeSource clock2 = new ManualTimeSource();
        Result fixed = OverloadSimulation.run("fixed token bucket 1000/s", RATE_SCENARIO, clock2,
                OverloadSimulation.fixedRate(new TokenBucket(1000, 100, 0, clock2)));
        ManualTimeSource clock3 = new ManualTimeSource();
        Result fixedBelow = OverloadSimulation.run("fixed token bucket 700/s", RATE_SCENARIO, clock3,
                OverloadSimulation.fixedRate(new TokenBucket(700, 70, 0, clock3)));
        ManualTimeSource clock4 = new ManualTimeSource();
        Result none = OverloadSimulation.run("no limit", RATE_SCENARIO, clock4, OverloadSimulation.unlimited());

        ManualTimeSource clock5 = new ManualTimeSource();
        Result second = OverloadSimulation.run("adaptive P95, second server (8 x 25 ms = 320/s, offered 640/s)",
                SECOND_RATE_SCENARIO, clock5, OverloadSimulation.adaptiveRate(new AdaptiveRateController(s,
                        s.initialRate(), clock5, LimitListener.NONE)));

        long near = adaptive.windowP95s().stream().filter(p -> p >= 50 * MS && p <= 150 * MS).count();
        report("Adaptive rate (P95) — " + describe(RATE_SCENARIO), List.of(adaptive, fixed, fixedBelow, none, second),
                String.format(Locale.ROOT, "Per-second P95 of the adaptive run: P10 %.1f ms, median %.1f ms, P90 %.1f ms;"
                        + " %d of %d seconds within 50..150 ms. Second server: per-second P95 P10 %.1f, median %.1f,"
                        + " P90 %.1f ms.", quantile(adaptive.windowP95s(), 0.1) / 1e6,
                        quantile(adaptive.windowP95s(), 0.5) / 1e6, quantile(adaptive.windowP95s(), 0.9) / 1e6, near,
                        adaptive.windowP95s().size(), quantile(second.windowP95s(), 0.1) / 1e6,
                        quantile(second.windowP95s(), 0.5) / 1e6, quantile(second.windowP95s(), 0.9) / 1e6));

        double p95Ms = adaptive.p95() / 1e6;
        assertTrue(p95Ms > 70 && p95Ms < 135, "P95 converges near the 100 ms target: " + p95Ms);
        assertTrue(near >= 0.6 * adaptive.windowP95s().size(), "most seconds are near target: " + near);
        assertTrue(adaptive.goodputShare() > 0.8, "and the server stays busy: " + adaptive.goodputShare());
        assertTrue(second.p95() > 70 * MS && second.p95() < 135 * MS, "second server: " + second.p95() / 1e6);
        assertTrue(fixed.p95() > 10 * adaptive.p95(), "a fixed rate above capacity queues without bound");
        assertTrue(fixed.goodputShare() < 0.1 && none.goodputShare() < 0.1, "congestion collapse without adaptation");
    }

    @Test
    void theGradientLimiterKeepsGoodputNearCapacityWithABoundedP99() {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", "send");
        ConcurrencyLimitSettings gradient = ConcurrencyLimitSettings.from(props);
        props.put("algorithm", "aimd");
        props.put("aimd.drop.latency.ms", "100");
        ConcurrencyLimitSettings aimd = ConcurrencyLimitSettings.from(props);

        ManualTimeSource c1 = new ManualTimeSource();
        Result g = OverloadSimulation.run("gradient2 (defaults)", CONCURRENCY_SCENARIO, c1,
                OverloadSimulation.concurrency(new ConcurrencyLimiter(gradient, gradient.initialLimit(), -1, c1,
                        LimitListener.NONE)));
        ManualTimeSource c2 = new ManualTimeSource();
        Result a = OverloadSimulation.run("aimd (drop latency 100 ms)", CONCURRENCY_SCENARIO, c2,
                OverloadSimulation.concurrency(new ConcurrencyLimiter(aimd, aimd.initialLimit(), -1, c2,
                        LimitListener.NONE)));
        Result fixedLow = fixedConcurrency("fixed limit 20 (initial)", 20);
        Result fixedHigh = fixedConcurrency("fixed limit 1000 (max)", 1000);
        ManualTimeSource c5 = new ManualTimeSource();
        Result none = OverloadSimulation.run("no limit", CONCURRENCY_SCENARIO, c5, OverloadSimulation.unlimited());
        Map<String, Object> shortWindows = new HashMap<>(Map.of("dwcp.operation", "send", "window.min.ms", "100",
                "gradient.long.window", "600"));
        ConcurrencyLimitSettings fast = ConcurrencyLimitSettings.from(shortWindows);
        ManualTimeSource c6 = new ManualTimeSource();
        Result gFast = OverloadSimulation.run("gradient2, 100 ms windows, long window 600 (1 min)",
                CONCURRENCY_SCENARIO, c6, OverloadSimulation.concurrency(new ConcurrencyLimiter(fast,
                        fast.initialLimit(), -1, c6, LimitListener.NONE)));
        ManualTimeSource c7 = new ManualTimeSource();
        Scenario tenMinutes = new Scenario(50, 10 * MS, 10_000, SECOND, 600 * SECOND, 60 * SECOND, 7);
        Result gLong = OverloadSimulation.run("gradient2 (defaults), 600 s run", tenMinutes, c7,
                OverloadSimulation.concurrency(new ConcurrencyLimiter(gradient, gradient.initialLimit(), -1, c7,
                        LimitListener.NONE)));
        report("Adaptive concurrency — " + describe(CONCURRENCY_SCENARIO),
                List.of(g, gLong, gFast, a, fixedLow, fixedHigh, none), "");

        assertTrue(g.goodputShare() >= 0.9, "gradient2 goodput within 10 % of capacity: " + g.goodputShare());
        assertTrue(g.p99() < 100 * MS, "gradient2 keeps P99 bounded: " + g.p99() / 1e6 + " ms");
        assertTrue(gLong.goodputShare() >= 0.9 && gLong.p99() < 150 * MS, "and keeps doing so for ten minutes: "
                + gLong.p99() / 1e6 + " ms");
        assertTrue(g.p99() < fixedHigh.p99(), "tighter than a generous fixed limit");
        assertTrue(g.goodput() > fixedLow.goodput() * 1.5, "far more goodput than a cautious fixed limit");
        assertTrue(a.goodputShare() >= 0.9, "aimd goodput: " + a.goodputShare());
    }

    private static Result fixedConcurrency(String name, int limit) {
        ManualTimeSource clock = new ManualTimeSource();
        ConcurrencyLimitSettings fixed = ConcurrencyLimitSettings.from(Map.of("dwcp.operation", "send",
                "initial.limit", Integer.toString(limit), "min.limit", Integer.toString(limit), "max.limit",
                Integer.toString(limit)));
        return OverloadSimulation.run(name, CONCURRENCY_SCENARIO, clock,
                OverloadSimulation.concurrency(new ConcurrencyLimiter(fixed, limit, -1, clock, LimitListener.NONE)));
    }

    private static String describe(Scenario sc) {
        return String.format(Locale.ROOT, "%d workers, exponential service time mean %d ms (capacity %.0f/s), "
                + "Poisson load %.0f/s, client timeout %d ms, %d s simulated, figures over the last %d s",
                sc.workers(), sc.meanServiceNanos() / MS, sc.capacity(), sc.offeredRate(), sc.clientTimeoutNanos() / MS,
                sc.durationNanos() / SECOND, (sc.durationNanos() - sc.warmupNanos()) / SECOND);
    }

    private static long quantile(List<Long> values, double q) {
        return values.isEmpty() ? 0 : values.stream().sorted().toList().get((int) (q * (values.size() - 1)));
    }

    private static synchronized void report(String title, List<Result> results, String note) {
        REPORT.append("### ").append(title).append("\n\n").append(OverloadSimulation.header()).append('\n');
        for (Result r : results) {
            REPORT.append(r.row()).append('\n');
        }
        if (!note.isEmpty()) {
            REPORT.append('\n').append(note).append('\n');
        }
        REPORT.append('\n');
    }

    @AfterAll
    static void write() throws IOException {
        Path out = Path.of("target", "overload-simulation.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, REPORT.toString(), StandardCharsets.UTF_8);
        System.out.println(REPORT);
    }
}
