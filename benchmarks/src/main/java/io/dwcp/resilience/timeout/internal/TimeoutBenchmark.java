package io.dwcp.resilience.timeout.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Timeout;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.benchmarks.BenchInvocation;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A timeout stage around a fast call. Ours: the DS component as activated in the runtime, fixed
 * (a deadline on the invocation, one clock read at the end), adaptive (plus one CAS; the
 * invocation's start is refreshed per call, so that figure includes the manager's entry clock read)
 * and forced (the call on an executor thread, interrupted on expiry). Beside Resilience4j's
 * {@code TimeLimiter} over an already-completed future (its cheapest possible use) and over
 * {@code supplyAsync} (its usual use, the equivalent of our forced mode), the former again with a
 * success-counting event consumer (our stage always counts successes), and Failsafe's
 * {@code Timeout}.
 *
 * <p>Lives in the stage's package: activation is package-private, as in OSGi only the service is
 * visible, and a benchmark has no container.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimeoutBenchmark {

    private static final String RESULT = "ack";
    private static final Next<String> NEXT = inv -> RESULT;
    private static final Supplier<String> SUPPLIER = () -> RESULT;

    private TimeoutStage fixed;
    private TimeoutStage adaptive;
    private TimeoutStage forced;
    private BenchInvocation fixedInv;
    private BenchInvocation adaptiveInv;
    private BenchInvocation forcedInv;
    private TimeLimiter timeLimiter;
    private TimeLimiter countingTimeLimiter;
    private final java.util.concurrent.atomic.LongAdder r4jSuccesses = new java.util.concurrent.atomic.LongAdder();
    private ExecutorService r4jExecutor;
    private Supplier<CompletableFuture<String>> completed;
    private Supplier<CompletableFuture<String>> async;
    private FailsafeExecutor<String> failsafeTimeout;

    private static TimeoutStage stage(String... keyValues) {
        TimeoutStage stage = new TimeoutStage();
        stage.setServices(BenchInvocation.quietLogger(), null);
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", "dwcp.timeout~send");
        config.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        stage.activate(null, config);
        return stage;
    }

    @Setup
    public void setUp() {
        // A one-day timeout from a start taken once: no call is late however long the run lasts,
        // so the fixed stage needs no fresh start reading (the manager's, measured elsewhere).
        fixed = stage("timeout.ms", Long.toString(TimeUnit.DAYS.toMillis(1)));
        // Latency here is ~0, so the rule would shrink the timeout to its floor; a 1 s floor keeps a
        // GC pause on a busy machine from turning a call into a timeout that ends the run.
        adaptive = stage("mode", "adaptive", "timeout.ms", "30000", "min.timeout.ms", "1000");
        forced = stage("timeout.ms", "30000", "forced", "true");
        long now = System.nanoTime();
        fixedInv = new BenchInvocation("send", TimeSource.SYSTEM, now);
        adaptiveInv = new BenchInvocation("send", TimeSource.SYSTEM, now);
        forcedInv = new BenchInvocation("send", TimeSource.SYSTEM, now);

        timeLimiter = TimeLimiter.of("send", TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(30)).build());
        // Resilience4j's TimeLimiter counts nothing itself; its metrics come from event consumers.
        // This one counts successes, as our stage always does.
        countingTimeLimiter = TimeLimiter.of("send-counted",
                TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(30)).build());
        countingTimeLimiter.getEventPublisher().onSuccess(event -> r4jSuccesses.increment());
        r4jExecutor = Executors.newCachedThreadPool();
        CompletableFuture<String> done = CompletableFuture.completedFuture(RESULT);
        completed = () -> done;
        async = () -> CompletableFuture.supplyAsync(SUPPLIER, r4jExecutor);
        failsafeTimeout = Failsafe.with(Timeout.<String>of(Duration.ofSeconds(30)));
    }

    @TearDown
    public void tearDown() {
        fixed.deactivate();
        adaptive.deactivate();
        forced.deactivate();
        r4jExecutor.shutdownNow();
    }

    @Benchmark
    public String dwcpTimeoutFixedFastCall() throws Exception {
        return fixed.execute(fixedInv, NEXT);
    }

    @Benchmark
    public String dwcpTimeoutAdaptiveFastCall() throws Exception {
        return adaptive.execute(adaptiveInv.reset(System.nanoTime()), NEXT);
    }

    @Benchmark
    public String dwcpTimeoutForcedFastCall() throws Exception {
        return forced.execute(forcedInv.reset(System.nanoTime()), NEXT);
    }

    @Benchmark
    public String resilience4jTimeLimiterCompletedFuture() throws Exception {
        return timeLimiter.executeFutureSupplier(completed);
    }

    @Benchmark
    public String resilience4jTimeLimiterCompletedFutureCountingSuccesses() throws Exception {
        return countingTimeLimiter.executeFutureSupplier(completed);
    }

    @Benchmark
    public String resilience4jTimeLimiterSupplyAsync() throws Exception {
        return timeLimiter.executeFutureSupplier(async);
    }

    @Benchmark
    public String failsafeTimeoutFastCall() {
        return failsafeTimeout.get(SUPPLIER::get);
    }
}
