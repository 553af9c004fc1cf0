package io.dwcp.resilience.benchmarks;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.ResilienceException;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A rejected {@code send} through the real runtime ({@link EmbeddedRuntime}, shipped configuration
 * with one change per case), beside Resilience4j rejecting with the same kind of stage:
 * <ul>
 *   <li>{@code open-breaker}: our send breaker in {@code mode = FORCED_OPEN}; R4j's breaker forced open.</li>
 *   <li>{@code full-bulkhead}: our send bulkhead with one slot, no queue, no wait, the slot held by a
 *       parked call; R4j's bulkhead of one permit, held, no wait.</li>
 *   <li>{@code rate-limited}: our adaptive limiter at its lowest rate (0.001/s) with its one permit
 *       spent; R4j's limiter of one permit per hour, spent, no wait.</li>
 *   <li>{@code shed}: the overall degradation level forced to EMERGENCY and send shed with
 *       probability 1 there; Resilience4j has no load shedder, its cheapest rejection stands in (a
 *       full bulkhead, as above).</li>
 * </ul>
 * Our figure is the whole chain up to the stage that refuses (manager, the stages before it, the
 * exception); Resilience4j's is the refusing decorator alone around the call: the comparison is
 * conservative for us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RejectionBenchmark {

    // the same operation, peer and call as the permitted path's benchmark
    static final String OPERATION = FullChainBenchmark.OPERATION;
    static final String PEER = FullChainBenchmark.PEER;
    static final Call<String> CALL = FullChainBenchmark.CALL;

    @Param({"open-breaker", "full-bulkhead", "rate-limited", "shed"})
    public String rejection;

    /** The runtime, configured for the case. */
    @State(Scope.Benchmark)
    public static class Runtime {
        EmbeddedRuntime runtime;
        ResilienceManager manager;
        private final CountDownLatch release = new CountDownLatch(1);
        private Thread holder;

        @Setup(Level.Trial)
        public void start(RejectionBenchmark b) throws Exception {
            EmbeddedRuntime.Builder builder = EmbeddedRuntime.builder();
            switch (b.rejection) {
                case "open-breaker":
                    builder.set("dwcp.circuitbreaker-send.cfg", "mode", "FORCED_OPEN");
                    break;
                case "full-bulkhead":
                    builder.set("dwcp.bulkhead.queue-send.cfg", "max.concurrent.calls", "1")
                            .set("dwcp.bulkhead.queue-send.cfg", "queue.capacity", "0")
                            .set("dwcp.bulkhead.queue-send.cfg", "max.wait.ms", "0");
                    break;
                case "rate-limited":
                    builder.set("dwcp.ratelimiter.adaptive-send.cfg", "initial.rate", "0.001")
                            .set("dwcp.ratelimiter.adaptive-send.cfg", "min.rate", "0.001")
                            .set("dwcp.ratelimiter.adaptive-send.cfg", "max.rate", "0.001");
                    break;
                case "shed":
                    builder.set("dwcp.loadshed-all.cfg", "shed.emergency", "1.0,1.0,1.0");
                    break;
                default:
                    throw new IllegalArgumentException("unknown rejection case " + b.rejection);
            }
            runtime = builder.start();
            manager = runtime.manager();
            runtime.awaitChain(OPERATION, StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
                    StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
            switch (b.rejection) {
                case "full-bulkhead":
                    CountDownLatch entered = new CountDownLatch(1);
                    holder = new Thread(() -> {
                        try {
                            manager.execute(OPERATION, PEER, inv -> {
                                entered.countDown();
                                release.await();
                                return "held";
                            });
                        } catch (Exception e) {
                            throw new IllegalStateException("the call holding the bulkhead failed", e);
                        }
                    }, "bulkhead-holder");
                    holder.start();
                    if (!entered.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the call holding the bulkhead never entered it");
                    }
                    break;
                case "rate-limited":
                    manager.execute(OPERATION, PEER, CALL); // spends the bucket's one permit
                    break;
                case "shed":
                    runtime.service(DegradationManager.class).override(DegradationManager.OVERALL, DegradationLevel.EMERGENCY,
                            Duration.ofHours(1), "RejectionBenchmark");
                    break;
                default:
                    break;
            }
            try {
                manager.execute(OPERATION, PEER, CALL);
                throw new IllegalStateException("the " + b.rejection + " case does not reject: " + manager.chain(OPERATION));
            } catch (ResilienceException expected) {
                // the case is set up
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            release.countDown();
            if (holder != null) {
                holder.join(10_000);
            }
            runtime.close();
        }
    }

    /** Resilience4j's refusing decorator for the case. */
    @State(Scope.Benchmark)
    public static class Resilience4j {
        Supplier<String> rejecting;

        @Setup(Level.Trial)
        public void build(RejectionBenchmark b) {
            Supplier<String> call = () -> "ok";
            switch (b.rejection) {
                case "open-breaker":
                    CircuitBreaker breaker = CircuitBreaker.ofDefaults(OPERATION);
                    breaker.transitionToForcedOpenState();
                    rejecting = CircuitBreaker.decorateSupplier(breaker, call);
                    break;
                case "rate-limited":
                    RateLimiter limiter = RateLimiter.of(OPERATION, RateLimiterConfig.custom().limitForPeriod(1)
                            .limitRefreshPeriod(Duration.ofHours(1)).timeoutDuration(Duration.ZERO).build());
                    limiter.acquirePermission();
                    rejecting = RateLimiter.decorateSupplier(limiter, call);
                    break;
                case "full-bulkhead":
                case "shed":
                    Bulkhead bulkhead = Bulkhead.of(OPERATION, BulkheadConfig.custom().maxConcurrentCalls(1)
                            .maxWaitDuration(Duration.ZERO).build());
                    bulkhead.tryAcquirePermission();
                    rejecting = Bulkhead.decorateSupplier(bulkhead, call);
                    break;
                default:
                    throw new IllegalArgumentException("unknown rejection case " + b.rejection);
            }
        }
    }

    @Benchmark
    public Object dwcpRejected(Runtime rt) throws Exception {
        try {
            rt.manager.execute(OPERATION, PEER, CALL);
        } catch (ResilienceException rejected) {
            return rejected;
        }
        throw new IllegalStateException("a call was not rejected");
    }

    @Benchmark
    public Object resilience4jRejected(Resilience4j r4j) {
        try {
            r4j.rejecting.get();
        } catch (RuntimeException rejected) {
            return rejected;
        }
        throw new IllegalStateException("a call was not rejected");
    }
}
