package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * What the manager itself costs per call: an empty chain, and a chain of six pass-through stages
 * (six distinct classes, so the JIT sees the real, megamorphic shape of a chain), both with latency
 * recording and outcome counting; beside Resilience4j's {@code Decorators} over the same supplier,
 * empty and with four real decorators in their passing state.
 *
 * <p>Lives in the manager's package because the manager's core is package-private: in OSGi only the
 * DS component is visible, and a benchmark has no container.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManagerOverheadBenchmark {

    private static final String RESULT = "ack";
    private static final Call<String> CALL = inv -> RESULT;
    private static final Supplier<String> SUPPLIER = () -> RESULT;

    private ChainManager empty;
    private ChainManager sixStages;
    private Supplier<String> r4jEmpty;
    private Supplier<String> r4jFour;

    @Setup
    public void setUp() {
        ManagerLog quiet = new ManagerLog() {
            @Override
            public void info(String message) {
            }

            @Override
            public void warn(String message) {
            }

            @Override
            public void error(String message, Throwable cause) {
            }
        };
        empty = new ChainManager(quiet, changed -> { }, (o, op, t) -> { });
        sixStages = new ChainManager(quiet, changed -> { }, (o, op, t) -> { });
        Stage[] stages = {new P1(), new P2(), new P3(), new P4(), new P5(), new P6()};
        StageKind[] kinds = {StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
            StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT};
        for (int i = 0; i < stages.length; i++) {
            sixStages.addStage(new StageRegistration(stages[i], kinds[i], Set.of(), 0, i + 1, "bench", "1"));
        }

        r4jEmpty = Decorators.ofSupplier(SUPPLIER).decorate();
        r4jFour = Decorators.ofSupplier(SUPPLIER)
                .withRetry(Retry.ofDefaults("send"))
                .withCircuitBreaker(CircuitBreaker.ofDefaults("send"))
                .withBulkhead(Bulkhead.of("send", BulkheadConfig.custom().maxConcurrentCalls(1000).build()))
                .withRateLimiter(RateLimiter.of("send", RateLimiterConfig.custom()
                        .limitForPeriod(Integer.MAX_VALUE).limitRefreshPeriod(Duration.ofNanos(1)).build()))
                .decorate();
    }

    @Benchmark
    public String baselineDirectCall() throws Exception {
        return CALL.call(null);
    }

    /** One read of the clock the manager reads twice per call: the floor under every timed call. */
    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }

    @Benchmark
    public String managerEmptyChain() throws Exception {
        return empty.execute("send", CALL);
    }

    @Benchmark
    public String managerSixPassThroughStages() throws Exception {
        return sixStages.execute("send", CALL);
    }

    @Benchmark
    public String resilience4jDecoratorsEmpty() {
        return r4jEmpty.get();
    }

    @Benchmark
    public String resilience4jDecoratorsRetryBreakerBulkheadRateLimiter() {
        return r4jFour.get();
    }

    // Six distinct pass-through classes: one shared class would make the chain unrealistically monomorphic.
    static final class P1 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }

    static final class P2 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }

    static final class P3 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }

    static final class P4 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }

    static final class P5 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }

    static final class P6 implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }
}
