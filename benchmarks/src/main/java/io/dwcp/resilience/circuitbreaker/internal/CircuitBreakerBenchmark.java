package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.state.StateStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.log.Logger;

/**
 * A call through a CLOSED circuit breaker, ours beside Resilience4j's, with the same windows
 * (last 100 calls; last 60 s) and the same trip rules (50% failures, slow calls), in one run.
 *
 * <p>Ours is the real DS component class, activated without a container. Two views of it:
 * <ul>
 *   <li>{@code dwcpClosedBreaker*}: the invocation gets a fresh {@code System.nanoTime()} start per
 *       call, so both sides pay two clock reads per call (Resilience4j reads start and end itself).
 *       The conservative comparison.</li>
 *   <li>{@code dwcpInChainClosedBreaker*}: what the breaker adds inside a chain, where the manager has
 *       already read the start (it does for every call, breaker or not): the breaker reads the clock
 *       once, at the end. The start is refreshed every 1024 calls, so no call looks slow.</li>
 * </ul>
 * A clock read costs 20-150 ns on the virtual machines here, which dominates both. Run with
 * {@code -prof gc} to see {@code gc.alloc.rate.norm} (bytes per call).
 *
 * <p>Lives in the breaker's package because the component's activation is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CircuitBreakerBenchmark {

    private static final String RESULT = "ack";
    private static final Next<String> NEXT = inv -> RESULT;

    private CircuitBreakerStage countStage;
    private CircuitBreakerStage timeStage;
    private CheckedSupplier<String> r4jCount;
    private CheckedSupplier<String> r4jTime;

    /** One invocation per thread, reused as the manager's pool reuses them. */
    @State(Scope.Thread)
    public static class Call {
        final BenchInvocation inv = new BenchInvocation("send");
        int calls;

        /** The manager's start of the call: paid by the manager, read here only now and then. */
        BenchInvocation inChain() {
            if ((calls++ & 1023) == 0) {
                inv.start = System.nanoTime();
            }
            return inv;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        countStage = stage("COUNT", 100);
        timeStage = stage("TIME", 60);
        r4jCount = CircuitBreaker.decorateCheckedSupplier(CircuitBreaker.of("send", r4jConfig(
                CircuitBreakerConfig.SlidingWindowType.COUNT_BASED, 100)), () -> RESULT);
        r4jTime = CircuitBreaker.decorateCheckedSupplier(CircuitBreaker.of("send", r4jConfig(
                CircuitBreakerConfig.SlidingWindowType.TIME_BASED, 60)), () -> RESULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        countStage.deactivate();
        timeStage.deactivate();
    }

    @Benchmark
    public String dwcpClosedBreakerCountWindow(Call call) throws Exception {
        call.inv.start = System.nanoTime();
        return countStage.execute(call.inv, NEXT);
    }

    @Benchmark
    public String dwcpInChainClosedBreakerCountWindow(Call call) throws Exception {
        return countStage.execute(call.inChain(), NEXT);
    }

    @Benchmark
    public String resilience4jClosedBreakerCountWindow() throws Throwable {
        return r4jCount.get();
    }

    @Benchmark
    public String dwcpClosedBreakerTimeWindow(Call call) throws Exception {
        call.inv.start = System.nanoTime();
        return timeStage.execute(call.inv, NEXT);
    }

    @Benchmark
    public String dwcpInChainClosedBreakerTimeWindow(Call call) throws Exception {
        return timeStage.execute(call.inChain(), NEXT);
    }

    @Benchmark
    public String resilience4jClosedBreakerTimeWindow() throws Throwable {
        return r4jTime.get();
    }

    private static CircuitBreakerConfig r4jConfig(CircuitBreakerConfig.SlidingWindowType type, int size) {
        return CircuitBreakerConfig.custom().slidingWindow(size, 20, type).failureRateThreshold(50)
                .slowCallRateThreshold(50).slowCallDurationThreshold(Duration.ofSeconds(30))
                .waitDurationInOpenState(Duration.ofSeconds(60)).permittedNumberOfCallsInHalfOpenState(3).build();
    }

    private static CircuitBreakerStage stage(String windowType, int windowSize) {
        CircuitBreakerStage s = new CircuitBreakerStage();
        s.setServices((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] { Logger.class },
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null), null);
        s.store = new NoStore();
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", "dwcp.circuitbreaker~send");
        config.put("dwcp.operation", "send");
        config.put("window.type", windowType);
        config.put("window.size", windowSize);
        s.activate(null, config);
        return s;
    }

    /** The breaker never trips here, so nothing is ever saved. */
    private static final class NoStore implements StateStore {
        @Override
        public Optional<byte[]> load(String key) {
            return Optional.empty();
        }

        @Override
        public void save(String key, byte[] record) {
        }

        @Override
        public boolean delete(String key) {
            return false;
        }

        @Override
        public Set<String> keys() {
            return Set.of();
        }
    }

    /** The fields of an invocation the breaker reads. */
    static final class BenchInvocation implements Invocation {
        private final String operation;
        long start;

        BenchInvocation(String operation) {
            this.operation = operation;
        }

        @Override public String operation() { return operation; }
        @Override public String peer() { return NO_PEER; }
        @Override public int attempt() { return 1; }
        @Override public void setAttempt(int attempt) { }
        @Override public long startNanos() { return start; }
        @Override public long deadlineNanos() { return NO_DEADLINE; }
        @Override public void setDeadlineNanos(long deadlineNanos) { }
        @Override public TimeSource timeSource() { return TimeSource.SYSTEM; }
        @Override public Object attribute(String key) { return null; }
        @Override public void setAttribute(String key, Object value) { }
        @Override public Invocation detach() { return this; }
    }
}
