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
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every adaptive limiter on every server of one overload model, several seeds each, Netflix's
 * concurrency-limits beside ours as the reference, in simulated time. The table goes to
 * {@code target/overload-simulation.md} (and the log) for docs/PERFORMANCE.md.
 */
class OverloadSimulationTest {

    private static final long TIMEOUT = SECOND;
    private static final long DURATION = 100 * SECOND;
    private static final long WARMUP = 40 * SECOND;
    private static final long DROP_AT = 60 * SECOND;
    private static final long[] SEEDS = {1, 2, 3};

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("800/s", 16, OverloadSimulation.exponential(20 * MS), 1_500, TIMEOUT, DURATION, WARMUP, -1),
            new Scenario("5000/s", 50, OverloadSimulation.exponential(10 * MS), 10_000, TIMEOUT, DURATION, WARMUP, -1),
            new Scenario("capacity halves", 16, OverloadSimulation.exponential(20 * MS), 1_500, TIMEOUT, DURATION,
                    WARMUP, DROP_AT),
            new Scenario("bimodal", 16, OverloadSimulation.bimodal(0.9, 11 * MS, 100 * MS), 1_500, TIMEOUT, DURATION,
                    WARMUP, -1));

    /** Limiter name to a factory for a fresh instance on a given clock. */
    static final Map<String, Function<ManualTimeSource, Limiter>> LIMITERS = new LinkedHashMap<>();

    static {
        AdaptiveRateSettings p95 = AdaptiveRateSettings.from(Map.of("dwcp.operation", "send"));
        ConcurrencyLimitSettings aimd = ConcurrencyLimitSettings.from(Map.of("dwcp.operation", "send",
                "algorithm", "aimd", "aimd.drop.latency.ms", "100"));
        ConcurrencyLimitSettings gradient = ConcurrencyLimitSettings.from(Map.of("dwcp.operation", "send"));
        LIMITERS.put("adaptive P95", clock -> OverloadSimulation.adaptiveRate(
                new AdaptiveRateController(p95, p95.initialRate(), clock, LimitListener.NONE)));
        LIMITERS.put("AIMD", clock -> OverloadSimulation.concurrency(
                new ConcurrencyLimiter(aimd, aimd.initialLimit(), -1, clock, LimitListener.NONE)));
        LIMITERS.put("Gradient2", clock -> OverloadSimulation.concurrency(
                new ConcurrencyLimiter(gradient, gradient.initialLimit(), -1, clock, LimitListener.NONE)));
        LIMITERS.put("Netflix Gradient2 (windowed)", clock -> OverloadSimulation.netflix(
                WindowedLimit.newBuilder().build(Gradient2Limit.newBuilder().build())));
        LIMITERS.put("Netflix AIMD 100 ms (windowed)", clock -> OverloadSimulation.netflix(
                WindowedLimit.newBuilder().build(AIMDLimit.newBuilder().timeout(100, TimeUnit.MILLISECONDS).build())));
    }

    private static final long P95_TARGET = AdaptiveRateSettings.from(Map.of("dwcp.operation", "send")).targetP95Nanos();
    private static final List<Result> RESULTS = new ArrayList<>();

    @BeforeAll
    static void simulate() throws IOException {
        List<Runnable> runs = new ArrayList<>();
        for (Scenario sc : SCENARIOS) {
            for (Map.Entry<String, Function<ManualTimeSource, Limiter>> l : LIMITERS.entrySet()) {
                for (long seed : SEEDS) {
                    runs.add(() -> {
                        ManualTimeSource clock = new ManualTimeSource();
                        Result r = OverloadSimulation.run(l.getKey(), sc, seed, clock, l.getValue().apply(clock),
                                P95_TARGET);
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
        b.append("| scenario | limiter | goodput (of capacity) | P95 ms | P99 ms | P99 / Gradient2's | limit mean (min..max)"
                + " | back to capacity after the drop | seconds with P95 within 80..120 % of 100 ms |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario sc : SCENARIOS) {
            for (String limiter : LIMITERS.keySet()) {
                List<Result> rs = of(limiter, sc);
                List<Result> g2 = of("Gradient2", sc);
                b.append("| ").append(sc.name()).append(" | ").append(limiter).append(" | ")
                        .append(range(rs, r -> 100 * r.goodputShare(), "%.1f", " %")).append(" | ")
                        .append(range(rs, r -> r.p95() / 1e6, "%.0f", "")).append(" | ")
                        .append(range(rs, r -> r.p99() / 1e6, "%.0f", "")).append(" | ")
                        .append(range(rs, r -> r.p99() / (double) g2.get(rs.indexOf(r)).p99(), "%.2f", "")).append(" | ")
                        .append(range(rs, Result::limitMean, "%.0f", "")).append(" (")
                        .append(String.format(Locale.ROOT, "%.0f..%.0f", rs.stream().mapToDouble(Result::limitMin).min()
                                .orElse(0), rs.stream().mapToDouble(Result::limitMax).max().orElse(0))).append(") | ")
                        .append(sc.dropAtNanos() < 0 ? "" : range(rs, r -> r.recoveryNanos() == Long.MAX_VALUE
                                ? Double.POSITIVE_INFINITY : r.recoveryNanos() / 1e9, "%.0f", " s")).append(" | ")
                        .append(limiter.equals("adaptive P95") ? range(rs, r -> 100 * r.settledShare(), "%.0f", " %")
                                : "").append(" |\n");
            }
        }
        return b.toString();
    }

    private static String range(List<Result> rs, ToDoubleFunction<Result> f, String format, String unit) {
        double min = rs.stream().mapToDouble(f).min().orElse(0);
        double max = rs.stream().mapToDouble(f).max().orElse(0);
        String lo = Double.isInfinite(min) ? "never" : String.format(Locale.ROOT, format, min);
        String hi = Double.isInfinite(max) ? "never" : String.format(Locale.ROOT, format, max);
        return (lo.equals(hi) ? lo : lo + "–" + hi) + unit;
    }

    @Test
    void everyLimiterRanOnEveryServerWithEverySeed() {
        assertTrue(RESULTS.size() == SCENARIOS.size() * LIMITERS.size() * SEEDS.length);
    }

    /** The targets where they are met (docs/PERFORMANCE.md lists where they are not). */
    @Test
    void aimdAndGradient2KeepGoodputAndRecoverAtOnceOnEveryServer() {
        for (String limiter : List.of("AIMD", "Gradient2")) {
            for (Scenario sc : SCENARIOS) {
                for (Result r : of(limiter, sc)) {
                    String what = limiter + " on " + sc.name() + ", seed " + r.seed();
                    assertTrue(r.goodputShare() >= 0.95, what + ": goodput " + r.goodputShare());
                    assertTrue(sc.dropAtNanos() < 0 || r.recoveryNanos() <= 5 * SECOND, what + ": recovery "
                            + r.recoveryNanos());
                }
            }
        }
    }

    @Test
    void aimdStaysWithinOnePointFiveTimesGradient2sP99WhereTheServiceIsNotFasterThanItsDropLatencyAllows() {
        for (Scenario sc : SCENARIOS) {
            if (sc.name().equals("5000/s")) {
                continue; // 100 ms drop latency on a 10 ms server: P99 1.9x Gradient2's, see docs/PERFORMANCE.md
            }
            List<Result> g2 = of("Gradient2", sc);
            List<Result> aimd = of("AIMD", sc);
            for (int i = 0; i < aimd.size(); i++) {
                assertTrue(aimd.get(i).p99() <= 1.5 * g2.get(i).p99(), sc.name() + ": " + aimd.get(i).p99());
            }
        }
    }

    /** Regression guards at the figures reached, below the targets (see docs/PERFORMANCE.md). */
    @Test
    void theP95LimiterKeepsMostOfTheCapacityAndRecoversFromTheDrop() {
        for (Scenario sc : SCENARIOS) {
            for (Result r : of("adaptive P95", sc)) {
                String what = sc.name() + ", seed " + r.seed();
                assertTrue(r.goodputShare() >= 0.8, what + ": goodput " + r.goodputShare());
                assertTrue(r.p95() <= 1.6 * P95_TARGET || sc.dropAtNanos() >= 0, what + ": P95 " + r.p95());
                assertTrue(sc.dropAtNanos() < 0 || r.recoveryNanos() <= 30 * SECOND, what + ": recovery "
                        + r.recoveryNanos());
            }
        }
    }
}
