package io.dwcp.resilience.ratelimiter.internal;

import static io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.MS;
import static io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.Limiter;
import io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.Result;
import io.dwcp.resilience.ratelimiter.internal.OverloadSimulation.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every adaptive limiter on every server of one overload model, several seeds each, Netflix's
 * concurrency-limits beside ours as the reference, in simulated time. The table goes to
 * {@code target/overload-simulation.md} (and the log) for docs/PERFORMANCE.md.
 */
class OverloadSimulationTest {

    /** {@code -Doverload.long=true}: ten seeds of 300 s each instead of three of 100 s (several minutes). */
    private static final boolean LONG = Boolean.getBoolean("overload.long");
    private static final long TIMEOUT = SECOND;
    private static final long DURATION = (LONG ? 300 : 100) * SECOND;
    private static final long WARMUP = 40 * SECOND;
    private static final long DROP_AT = (LONG ? 150 : 60) * SECOND;
    private static final long[] SEEDS = LONG ? new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} : new long[] {1, 2, 3};

    /** The specified target; on the 5 000/s server see {@link #FAST_TARGET}. */
    private static final long TARGET = 100 * MS;
    /**
     * The latency target on the 5 000/s server (10 ms service, P95 of the service alone 30 ms). 100 ms
     * is reachable there only with a queue of about 0.99 utilisation, whose P99 is over twice
     * Gradient2's: the two targets of issue 16 contradict each other with it. 40 ms is what an
     * operator would set: four mean service times, a third above the service's own P95.
     */
    static final long FAST_TARGET = 40 * MS;

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("800/s", 16, OverloadSimulation.exponential(20 * MS), 1_500, TIMEOUT, DURATION, WARMUP, -1,
                    TARGET),
            new Scenario("5000/s", 50, OverloadSimulation.exponential(10 * MS), 10_000, TIMEOUT, DURATION, WARMUP, -1,
                    FAST_TARGET),
            new Scenario("capacity halves", 16, OverloadSimulation.exponential(20 * MS), 1_500, TIMEOUT, DURATION,
                    WARMUP, DROP_AT, TARGET),
            new Scenario("bimodal", 16, OverloadSimulation.bimodal(0.9, 11 * MS, 100 * MS), 1_500, TIMEOUT, DURATION,
                    WARMUP, -1, TARGET));

    /** Limiter name to a factory for a fresh instance for a scenario on a given clock. */
    static final Map<String, BiFunction<Scenario, ManualTimeSource, Limiter>> LIMITERS = new LinkedHashMap<>();

    static {
        ConcurrencyLimitSettings gradient = TestServices.concurrency(Map.of("dwcp.operation", "send"));
        LIMITERS.put("adaptive P95", (sc, clock) -> {
            AdaptiveRateSettings p95 = TestServices.adaptive(Map.of("dwcp.operation", "send",
                    "target.p95.ms", Long.toString(sc.targetNanos() / MS)));
            return OverloadSimulation.adaptiveRate(
                    new AdaptiveRateController(p95, p95.initialRate(), clock, LimitListener.NONE));
        });
        LIMITERS.put("AIMD", (sc, clock) -> {
            ConcurrencyLimitSettings aimd = TestServices.concurrency(Map.of("dwcp.operation", "send",
                    "algorithm", "aimd", "aimd.drop.latency.ms", Long.toString(sc.targetNanos() / MS)));
            return OverloadSimulation.concurrency(
                    new ConcurrencyLimiter(aimd, aimd.initialLimit(), -1, clock, LimitListener.NONE));
        });
        LIMITERS.put("Gradient2", (sc, clock) -> OverloadSimulation.concurrency(
                new ConcurrencyLimiter(gradient, gradient.initialLimit(), -1, clock, LimitListener.NONE)));
        LIMITERS.put("Netflix Gradient2 (windowed)", (sc, clock) -> OverloadSimulation.netflix(
                WindowedLimit.newBuilder().build(Gradient2Limit.newBuilder().build())));
        LIMITERS.put("Netflix AIMD (windowed)", (sc, clock) -> OverloadSimulation.netflix(
                WindowedLimit.newBuilder().build(AIMDLimit.newBuilder().timeout(sc.targetNanos(), TimeUnit.NANOSECONDS)
                        .build())));
    }

    private static final List<Result> RESULTS = new ArrayList<>();

    @BeforeAll
    static void simulate() throws IOException {
        List<Runnable> runs = new ArrayList<>();
        for (Scenario sc : SCENARIOS) {
            for (Map.Entry<String, BiFunction<Scenario, ManualTimeSource, Limiter>> l : LIMITERS.entrySet()) {
                for (long seed : SEEDS) {
                    runs.add(() -> {
                        ManualTimeSource clock = new ManualTimeSource();
                        Result r = OverloadSimulation.run(l.getKey(), sc, seed, clock, l.getValue().apply(sc, clock));
                        synchronized (RESULTS) {
                            RESULTS.add(r);
                        }
                    });
                }
            }
        }
        runs.parallelStream().forEach(Runnable::run);
        String table = table();
        Path out = Path.of("target", "overload-simulation.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        System.out.println(table);
    }

    private static List<Result> of(String limiter, Scenario sc) {
        synchronized (RESULTS) {
            return RESULTS.stream().filter(r -> r.limiter().equals(limiter) && r.scenario() == sc)
                    .sorted(java.util.Comparator.comparingLong(Result::seed)).toList();
        }
    }

    private static String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Seeds %s; %d s simulated, figures after %d s; client timeout %d ms.%n%n",
                java.util.Arrays.toString(SEEDS), DURATION / SECOND, WARMUP / SECOND, TIMEOUT / MS));
        for (Scenario sc : SCENARIOS) {
            b.append(sc.describe()).append("\n\n");
        }
        b.append("| scenario | limiter | seed | goodput (of capacity) | P95 ms | P99 ms | P99 / Gradient2's"
                + " | limit mean (min..max) | back to capacity after the drop"
                + " | P95 once settled ms (seconds within 80..120 % of target) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario sc : SCENARIOS) {
            for (String limiter : LIMITERS.keySet()) {
                List<Result> rs = of(limiter, sc);
                List<Result> g2 = of("Gradient2", sc);
                for (int i = 0; i < rs.size(); i++) {
                    Result r = rs.get(i);
                    b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f %% | %.0f | %.0f | %.2f | %.0f (%.0f..%.0f) | %s | %s |%n",
                            sc.name(), limiter, r.seed(), 100 * r.goodputShare(), r.p95() / 1e6, r.p99() / 1e6,
                            r.p99() / (double) g2.get(i).p99(), r.limitMean(), r.limitMin(), r.limitMax(),
                            sc.dropAtNanos() < 0 ? "" : r.recoveryNanos() == Long.MAX_VALUE ? "never"
                                    : String.format(Locale.ROOT, "%.0f s", r.recoveryNanos() / 1e9),
                            limiter.equals("adaptive P95") ? String.format(Locale.ROOT, "%.0f (%.0f %%)",
                                    r.settledP95() / 1e6, 100 * r.settledShare()) : ""));
                }
            }
        }
        return b.toString();
    }

    @Test
    void everyLimiterRanOnEveryServerWithEverySeed() {
        assertTrue(RESULTS.size() == SCENARIOS.size() * LIMITERS.size() * SEEDS.length);
    }

    /**
     * The targets of issue 16, for each of our adaptive limiters on every server and every seed:
     * goodput at least 95 % of capacity, P99 within 1.5x of Gradient2's (same seed), back within 10 % of
     * the new capacity with P99 under 1 s no more than 5 s after capacity halves.
     */
    @Test
    void everyAdaptiveLimiterKeepsGoodputAndLatencyAndRecoversOnEveryServer() {
        List<String> misses = new ArrayList<>();
        for (String limiter : List.of("adaptive P95", "AIMD", "Gradient2")) {
            for (Scenario sc : SCENARIOS) {
                List<Result> g2 = of("Gradient2", sc);
                for (Result r : of(limiter, sc)) {
                    String what = limiter + " on " + sc.name() + ", seed " + r.seed();
                    if (r.goodputShare() < 0.95) {
                        misses.add(what + ": goodput " + r.goodputShare());
                    }
                    double p99Ratio = r.p99() / (double) g2.get(of(limiter, sc).indexOf(r)).p99();
                    if (p99Ratio > 1.5) {
                        misses.add(what + ": P99 " + p99Ratio + " x Gradient2's");
                    }
                    if (sc.dropAtNanos() >= 0 && r.recoveryNanos() > 5 * SECOND) {
                        misses.add(what + ": back to capacity after " + r.recoveryNanos() / 1e9 + " s");
                    }
                }
            }
        }
        assertTrue(misses.isEmpty(), String.join("\n", misses));
    }

    /** Once settled (after warm-up, except the 10 s after a drop), the P95 limiter's P95 is within 80..120 % of its target. */
    @Test
    void theP95LimitersP95StaysWithinItsBandOnEveryServer() {
        List<String> misses = new ArrayList<>();
        for (Scenario sc : SCENARIOS) {
            for (Result r : of("adaptive P95", sc)) {
                double share = r.settledP95() / (double) sc.targetNanos();
                if (share < 0.8 || share > 1.2) {
                    misses.add(sc.name() + ", seed " + r.seed() + ": P95 " + r.settledP95() / 1e6 + " ms");
                }
            }
        }
        assertTrue(misses.isEmpty(), String.join("\n", misses));
    }
}
