package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.kit.ConfigReader;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The call-path costs of graceful degradation, beside the nearest Resilience4j equivalents:
 * <ul>
 *   <li>admission: the load shedder letting a call pass (at NORMAL, and at DEGRADED for an operation
 *       that is not shed), beside a Resilience4j rate limiter granting a permit it always has;</li>
 *   <li>learning an outcome: the degradation monitor recording one call (the {@code CallObserver}
 *       work), beside a Resilience4j circuit breaker recording one success in its sliding window.</li>
 * </ul>
 * Neither library sheds by level; the pairs compare the same role on the call path. Run with
 * {@code -prof gc} to see the 0 B/op.
 *
 * <p>Lives in the degradation bundle's package because its algorithm classes are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DegradationBenchmark {

    private LoadShedder shedder;
    private DegradationEngine engine;
    private RateLimiter r4jRateLimiter;
    private CircuitBreaker r4jBreaker;
    private long latency = 3_000_000L;

    @Setup
    public void setUp() {
        shedder = new LoadShedder(LoadShedSettings.from(new ConfigReader("bench", Map.of())).table(),
                UniformRandom.THREAD_LOCAL);
        engine = new DegradationEngine(TimeSource.SYSTEM, DegradationSettings.from(new ConfigReader("bench", Map.of())),
                change -> { });
        r4jRateLimiter = RateLimiter.of("send", RateLimiterConfig.custom().limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofNanos(1)).timeoutDuration(Duration.ZERO).build());
        r4jBreaker = CircuitBreaker.ofDefaults("send");
    }

    @Benchmark
    public void loadShedPassAtNormal() {
        shedder.admit("receive", DegradationLevel.NORMAL);
    }

    @Benchmark
    public void loadShedPassAtDegradedUnshedOperation() {
        shedder.admit("consensus", DegradationLevel.DEGRADED);
    }

    @Benchmark
    public boolean resilience4jRateLimiterPermit() {
        return r4jRateLimiter.acquirePermission();
    }

    @Benchmark
    public void degradationRecordOutcome() {
        engine.onCall("send", CallOutcome.SUCCESS, latency);
    }

    @Benchmark
    public void resilience4jCircuitBreakerRecordSuccess() {
        r4jBreaker.onSuccess(latency, TimeUnit.NANOSECONDS);
    }
}
