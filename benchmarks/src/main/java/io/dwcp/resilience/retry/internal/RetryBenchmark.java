package io.dwcp.resilience.retry.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.benchmarks.BenchInvocation;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
 * A retry stage around a call that succeeds at once: what retrying costs when nothing fails.
 * Ours is the DS component as activated in the runtime (send's shipped defaults: 3 retries,
 * exponential backoff with jitter, retry budget on), called the way the manager calls it; beside
 * Resilience4j's {@code Retry} and Failsafe's {@code RetryPolicy} with the same 3 retries.
 *
 * <p>Lives in the stage's package: the algorithm and activation are package-private, as in OSGi
 * only the service is visible, and a benchmark has no container.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RetryBenchmark {

    private static final String RESULT = "ack";
    private static final Next<String> NEXT = inv -> RESULT;
    private static final Supplier<String> SUPPLIER = () -> RESULT;

    private RetryStage stage;
    private BenchInvocation inv;
    private Supplier<String> r4jRetry;
    private FailsafeExecutor<String> failsafeRetry;

    @Setup
    public void setUp() {
        stage = new RetryStage();
        stage.setServices(BenchInvocation.quietLogger(), null);
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", "dwcp.retry~send");
        config.put("dwcp.operation", "send");
        stage.activate(null, config);
        // The manager reads the clock on entry and hands the reading over; the stage reads none.
        inv = new BenchInvocation("send", TimeSource.SYSTEM, System.nanoTime());

        r4jRetry = Retry.decorateSupplier(Retry.of("send", RetryConfig.custom().maxAttempts(4)
                .waitDuration(Duration.ofMillis(100)).build()), SUPPLIER);
        failsafeRetry = Failsafe.with(RetryPolicy.<String>builder().withMaxRetries(3)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0.1).build());
    }

    @Benchmark
    public String baselineDirectCall() throws Exception {
        return NEXT.proceed(inv);
    }

    @Benchmark
    public String dwcpRetryNoFailure() throws Exception {
        inv.setAttempt(1);
        return stage.execute(inv, NEXT);
    }

    @Benchmark
    public String resilience4jRetryNoFailure() {
        return r4jRetry.get();
    }

    @Benchmark
    public String failsafeRetryNoFailure() {
        return failsafeRetry.get(SUPPLIER::get);
    }
}
