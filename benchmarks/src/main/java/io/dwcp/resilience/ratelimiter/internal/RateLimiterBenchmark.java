package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

/**
 * The permitted path of our rate-limit stages beside Resilience4j's {@code RateLimiter}
 * ({@code AtomicRateLimiter}) and Failsafe's {@code RateLimiter}, in one run. Run it at 1 and at 2
 * threads, with the allocation profiler:
 *
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar RateLimiterBenchmark -t 1 -prof gc
 *   java -jar benchmarks/target/benchmarks.jar RateLimiterBenchmark -t 2 -prof gc
 * </pre>
 *
 * <p><b>Keeping every call permitted.</b> Resilience4j and Failsafe get a limit no benchmark can
 * reach. Our buckets accept at most 10^6 permits/s, which a tight loop exceeds, so the calls run
 * on a synthetic clock that moves {@link #STEP_NANOS} per call of all threads together: exactly the
 * budget of the bucket's rate, so every call finds its permit. Each thread takes its time in blocks
 * of {@link #BLOCK} calls from the shared clock (one atomic add per block) and moves through its
 * block with a plain add per call: the threads' readings stay within a few blocks of each other
 * (far inside the bucket's one second of credit, so no thread falls behind into reservations), and
 * like the manager's entry reading ({@code startNanos}, a {@code System.nanoTime()} of the calling
 * thread) it puts no shared write on every call; the stage itself reads no clock.
 * {@code dwcpTokenBucketStageSharedClock} keeps the earlier runs' clock, one atomic add on the shared
 * counter per call (counted in our figure), for comparison with the figures taken with it (up to
 * 2026-12-03 19:05). The adaptive and concurrency stages read the clock once after the
 * call to learn its latency, and that read is real here: the synthetic {@link TimeSource} calls
 * {@link System#nanoTime()} and discards the result. Resilience4j and Failsafe read the real clock
 * inside their acquire.
 *
 * <p>Lives in the rate limiter's package: its stages' wiring (logger, settings) is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RateLimiterBenchmark {

    /** The synthetic clock moves this per call: 10^6 calls/s, the buckets' rate. */
    static final long STEP_NANOS = 1_000;

    /** Calls per block of synthetic time a thread takes from the shared clock at once. */
    static final int BLOCK = 1_024;

    /** The synthetic clock all threads share ({@code dwcpTokenBucketStageSharedClock}); the others' start. */
    static final java.util.concurrent.atomic.AtomicLong CLOCK = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);

    private static final String RESULT = "ack";
    private static final Next<String> NEXT = inv -> RESULT;

    /**
     * A thread descheduled between its tick and its acquire arrives with a stale time, possibly
     * more than the bucket's one second of credit behind the others: it then gets a reservation
     * instead of a permit. On the synthetic clock there is nothing to wait for, so it goes on at
     * once: the same acquire, without a spurious failure on a loaded machine.
     */
    private static final Waiter NO_WAIT = (clock, until) -> { };

    private TokenBucketStage tokenBucket;
    private AdaptiveRateStage adaptive;
    private ConcurrencyLimitStage concurrency;
    private RateLimiter r4j;
    private dev.failsafe.RateLimiter<Object> failsafe;

    /** Per thread: an invocation on its own synthetic clock. */
    @State(Scope.Thread)
    public static class Caller {
        final SyntheticInvocation inv = new SyntheticInvocation();

    }

    @Setup
    public void setUp() {
        org.osgi.service.log.Logger quiet = (org.osgi.service.log.Logger) java.lang.reflect.Proxy.newProxyInstance(
                RateLimiterBenchmark.class.getClassLoader(), new Class<?>[] {org.osgi.service.log.Logger.class},
                (p, m, a) -> m.getReturnType() == boolean.class ? Boolean.FALSE : null);
        // The limiters run on the layer's clock, as the manager's calls do: here the synthetic one.
        TimeSource layer = new TimeSource() {
            @Override
            public long nanoTime() {
                return CLOCK.get();
            }

            @Override
            public long currentTimeMillis() {
                return System.currentTimeMillis();
            }
        };
        tokenBucket = new TokenBucketStage();
        tokenBucket.setServices(quiet, null);
        tokenBucket.timeSource = layer;
        tokenBucket.activate(null, config("rate", "1000000", "burst", "1000000", "max.wait.ms", "3600000"));
        tokenBucket.waiter = NO_WAIT;
        adaptive = new AdaptiveRateStage();
        adaptive.setServices(quiet, null);
        adaptive.timeSource = layer;
        adaptive.activate(null, config("initial.rate", "1000000", "min.rate", "1000000", "max.rate", "1000000",
                "burst.ms", "1000", "max.wait.ms", "3600000"));
        adaptive.waiter = NO_WAIT;
        concurrency = new ConcurrencyLimitStage();
        concurrency.setServices(quiet, null);
        concurrency.timeSource = layer;
        concurrency.activate(null, config("initial.limit", "1000", "min.limit", "1000", "max.limit", "1000"));
        r4j = RateLimiter.of("send", RateLimiterConfig.custom().limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
        failsafe = dev.failsafe.RateLimiter.burstyBuilder(Long.MAX_VALUE / 4, Duration.ofSeconds(1)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        adaptive.deactivate();
        concurrency.deactivate();
        tokenBucket.deactivate();
    }

    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", "send");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Benchmark
    public String dwcpTokenBucketStage(Caller c) throws Exception {
        return tokenBucket.execute(c.inv.tick(), NEXT);
    }

    @Benchmark
    public String dwcpTokenBucketStageSharedClock(Caller c) throws Exception {
        return tokenBucket.execute(c.inv.tickShared(), NEXT);
    }

    @Benchmark
    public String dwcpAdaptiveRateStage(Caller c) throws Exception {
        return adaptive.execute(c.inv.tick(), NEXT);
    }

    @Benchmark
    public String dwcpConcurrencyLimitStage(Caller c) throws Exception {
        return concurrency.execute(c.inv.tick(), NEXT);
    }

    @Benchmark
    public String resilience4jRateLimiter() {
        if (!r4j.acquirePermission()) {
            throw new IllegalStateException("not permitted");
        }
        return RESULT;
    }

    @Benchmark
    public String failsafeRateLimiter() {
        if (!failsafe.tryAcquirePermit()) {
            throw new IllegalStateException("not permitted");
        }
        return RESULT;
    }

    /** One thread's invocation on the shared synthetic clock; reading the clock costs a real clock read. */
    static final class SyntheticInvocation implements Invocation, TimeSource {
        private long now;
        private long sink;
        /** This thread's next reading and the end of its block of synthetic time. */
        private long own;
        private long blockEnd;

        SyntheticInvocation tick() {
            if (own == blockEnd) {
                blockEnd = CLOCK.addAndGet(BLOCK * STEP_NANOS);
                own = blockEnd - BLOCK * STEP_NANOS;
            }
            own += STEP_NANOS;
            now = own;
            return this;
        }

        SyntheticInvocation tickShared() {
            now = CLOCK.addAndGet(STEP_NANOS);
            return this;
        }

        @Override
        public long nanoTime() {
            sink += System.nanoTime();
            return now;
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String operation() {
            return "send";
        }

        @Override
        public String peer() {
            return NO_PEER;
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public void setAttempt(int attempt) {
        }

        @Override
        public long startNanos() {
            return now;
        }

        @Override
        public long deadlineNanos() {
            return NO_DEADLINE;
        }

        @Override
        public void setDeadlineNanos(long deadlineNanos) {
        }

        @Override
        public TimeSource timeSource() {
            return this;
        }

        @Override
        public Object attribute(String key) {
            return null;
        }

        @Override
        public void setAttribute(String key, Object value) {
        }

        @Override
        public Invocation detach() {
            return this;
        }
    }
}
