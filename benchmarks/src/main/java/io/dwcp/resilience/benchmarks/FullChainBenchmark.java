package io.dwcp.resilience.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageKind;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full default chain as the runtime wires it: {@code manager.execute("send", "peer-1", call)}
 * on a trivial call, in the real runtime started inside this JVM ({@link EmbeddedRuntime}: every
 * bundle, the shipped configuration, chaos present and disarmed, the send rate limiter raised to
 * its highest rate and burst so that it admits calls), beside Resilience4j's
 * {@code Retry(CircuitBreaker(RateLimiter(Bulkhead(call))))} and Failsafe's
 * {@code Failsafe.with(retry, breaker, rateLimiter, bulkhead)}, configured like the shipped send
 * stages where the libraries can be, at 1 and 2 threads. See docs/PERFORMANCE.md.
 *
 * <p>A call our chain rejects fails the benchmark: the figure must not mix in rejections. The
 * shipped rate limiter cannot be made unlimited: at its highest rate (10^6/s) with its largest
 * burst (10^6 permits, {@code burst.ms = 1000}) a chain faster than 1 us per call spends the burst
 * and is then refused. So the iterations are short ({@value #ITERATION_MILLIS} ms: at most
 * 10^6 + 10^5 calls, enough down to about 90 ns per call at one thread, 180 ns at two), and before
 * each one the runtime's threads wait {@value #REFILL_MILLIS} ms, outside the measurement, for the
 * bucket to fill again. The libraries' stacks run the same iterations without the pause.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = FullChainBenchmark.ITERATION_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = FullChainBenchmark.ITERATION_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class FullChainBenchmark {

    static final String OPERATION = "send";
    static final String PEER = "peer-1";
    static final Call<String> CALL = inv -> "ok";
    static final Supplier<String> SUPPLIER = () -> "ok";
    /** One iteration: short enough that the limiter's burst outlasts it (see the class comment). */
    static final int ITERATION_MILLIS = 100;
    /** The limiter's bucket fills from empty in burst.ms (1000 ms); a margin on top. */
    static final int REFILL_MILLIS = 1_100;

    /** The runtime, started once per benchmark method that uses it (Felix starts in a few seconds). */
    @State(Scope.Benchmark)
    public static class Runtime {
        EmbeddedRuntime runtime;
        ResilienceManager manager;

        @Setup(Level.Trial)
        public void start() throws Exception {
            runtime = EmbeddedRuntime.builder()
                    .set("dwcp.ratelimiter.adaptive-send.cfg", "initial.rate", "1000000")
                    .set("dwcp.ratelimiter.adaptive-send.cfg", "max.rate", "1000000")
                    .set("dwcp.ratelimiter.adaptive-send.cfg", "burst.ms", "1000")
                    .start();
            manager = runtime.manager();
            runtime.awaitChain(OPERATION, StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
                    StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            runtime.close();
        }
    }

    /**
     * Before each iteration every benchmark thread sleeps while the rate limiter's bucket fills again,
     * outside the measurement (see the class comment). Per thread, so that no thread spins in JMH's
     * wait for a shared state's setup meanwhile.
     */
    @State(Scope.Thread)
    public static class Refill {
        @Setup(Level.Iteration)
        public void refill() throws InterruptedException {
            Thread.sleep(REFILL_MILLIS);
        }
    }

    /** The libraries' stacks. */
    @State(Scope.Benchmark)
    public static class Libraries {
        Supplier<String> resilience4j;
        FailsafeExecutor<String> failsafe;

        @Setup(Level.Trial)
        public void build() {
            resilience4j = resilience4jStack();
            failsafe = failsafeStack();
        }
    }

    /** Resilience4j 2.4, configured like the shipped send stages. */
    static Supplier<String> resilience4jStack() {
        Retry retry = Retry.of(OPERATION, RetryConfig.custom().maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 0.1, Duration.ofSeconds(5)))
                .build());
        CircuitBreaker breaker = CircuitBreaker.of(OPERATION, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(100)
                .minimumNumberOfCalls(20).failureRateThreshold(50).slowCallRateThreshold(50)
                .slowCallDurationThreshold(Duration.ofSeconds(30)).waitDurationInOpenState(Duration.ofSeconds(60))
                .permittedNumberOfCallsInHalfOpenState(3).build());
        // a limit that is never reached: only the permitted path is measured, as on our side
        RateLimiter limiter = RateLimiter.of(OPERATION, RateLimiterConfig.custom().limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
        Bulkhead bulkhead = Bulkhead.of(OPERATION, BulkheadConfig.custom().maxConcurrentCalls(100)
                .maxWaitDuration(Duration.ofSeconds(5)).build());
        return Decorators.ofSupplier(SUPPLIER).withBulkhead(bulkhead).withRateLimiter(limiter)
                .withCircuitBreaker(breaker).withRetry(retry).decorate();
    }

    /** Failsafe 3.3, configured like the shipped send stages. */
    static FailsafeExecutor<String> failsafeStack() {
        dev.failsafe.RetryPolicy<String> retry = dev.failsafe.RetryPolicy.<String>builder().withMaxRetries(3)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0).withJitter(0.1).build();
        dev.failsafe.CircuitBreaker<String> breaker = dev.failsafe.CircuitBreaker.<String>builder()
                .withFailureRateThreshold(50, 20, Duration.ofSeconds(60)).withDelay(Duration.ofSeconds(60))
                .withSuccessThreshold(3).build();
        dev.failsafe.RateLimiter<String> limiter = dev.failsafe.RateLimiter.<String>burstyBuilder(Integer.MAX_VALUE,
                Duration.ofSeconds(1)).build();
        dev.failsafe.Bulkhead<String> bulkhead = dev.failsafe.Bulkhead.<String>builder(100)
                .withMaxWaitTime(Duration.ofSeconds(5)).build();
        return Failsafe.with(retry, breaker, limiter, bulkhead);
    }

    /** One read of the clock: the unit of what a call may spend on time. */
    @Benchmark
    @Threads(1)
    public long clockRead_1t() {
        return System.nanoTime();
    }

    @Benchmark
    @Threads(1)
    public String dwcpSendChain_1t(Runtime rt, Refill refilled) throws Exception {
        return rt.manager.execute(OPERATION, PEER, CALL);
    }

    @Benchmark
    @Threads(1)
    public String resilience4jStack_1t(Libraries lib) {
        return lib.resilience4j.get();
    }

    @Benchmark
    @Threads(1)
    public String failsafeStack_1t(Libraries lib) {
        return lib.failsafe.get(SUPPLIER::get);
    }

    @Benchmark
    @Threads(2)
    public long clockRead_2t() {
        return System.nanoTime();
    }

    @Benchmark
    @Threads(2)
    public String dwcpSendChain_2t(Runtime rt, Refill refilled) throws Exception {
        return rt.manager.execute(OPERATION, PEER, CALL);
    }

    @Benchmark
    @Threads(2)
    public String resilience4jStack_2t(Libraries lib) {
        return lib.resilience4j.get();
    }

    @Benchmark
    @Threads(2)
    public String failsafeStack_2t(Libraries lib) {
        return lib.failsafe.get(SUPPLIER::get);
    }
}
