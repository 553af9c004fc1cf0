package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.ConfigReader;
import io.github.resilience4j.core.metrics.Metrics;
import io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics;
import io.github.resilience4j.core.metrics.Snapshot;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * What recording one call's outcome costs a budget, on the caller's thread: the error and latency
 * budgets of an operation (target: at most 30 ns/op and 0 B/op at 1 thread; run with
 * {@code -prof gc}), the error budget alone (the {@code *} budget), and beside them Resilience4j's
 * time-based sliding window, which its circuit breaker records every call into (outcome and slow
 * calls; neither Resilience4j nor Failsafe keeps SLO budgets, and Failsafe exposes no such window).
 *
 * <p>Simulated time advances 1 microsecond per call, so buckets roll over as they would under a
 * million calls a second. Lives in the slo bundle's package because the budget is package-private:
 * in OSGi only the DS component is visible.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BudgetRecordBenchmark {

    private static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** The calling thread's writers, as the SLO observer's per-caller observer holds them. */
    private OperationBudget.Writer errorAndLatency;
    private OperationBudget.Writer errorOnly;
    private SlidingTimeWindowMetrics resilience4jWindow;
    private long now;
    private final AtomicLong counter = new AtomicLong();

    @Setup
    public void setUp() {
        // a thread-scoped state is set up on its benchmark thread: the writers are that thread's
        errorAndLatency = new OperationBudget(SloSettings.defaults("send"), TimeSource.SYSTEM, () -> { }).writer();
        errorOnly = new OperationBudget(SloSettings.from(new ConfigReader(SloSettings.PID, Map.of("dwcp.operation", "*", "latency.threshold", "0"))),
                TimeSource.SYSTEM, () -> { }).writer();
        resilience4jWindow = new SlidingTimeWindowMetrics(60, Clock.systemUTC());
        now = System.nanoTime();
    }

    @Benchmark
    public void sloErrorAndLatencyBudgets() {
        now += 1_000;
        errorAndLatency.record(now, CallOutcome.SUCCESS, LATENCY_NANOS);
    }

    @Benchmark
    public void sloErrorBudgetOnly() {
        now += 1_000;
        errorOnly.record(now, CallOutcome.SUCCESS, LATENCY_NANOS);
    }

    /** Calibration: one uncontended atomic increment on this machine, now; a success costs the budgets none. */
    @Benchmark
    public long oneAtomicIncrement() {
        return counter.incrementAndGet();
    }

    @Benchmark
    public Snapshot resilience4jSlidingTimeWindow() {
        return resilience4jWindow.record(LATENCY_NANOS, TimeUnit.NANOSECONDS, Metrics.Outcome.SUCCESS);
    }
}
