package io.dwcp.resilience.bulkhead.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadConfig;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One permitted call through a bulkhead, ours beside Resilience4j's {@code SemaphoreBulkhead} and
 * {@code FixedThreadPoolBulkhead} and Failsafe's {@code Bulkhead}, at 1 and 2 threads in the same
 * run. The limits are far above the thread count, so every call is permitted: this is the cost a
 * healthy system pays on every call. Run with {@code -prof gc} for B/op.
 *
 * <p>Lives in the bulkhead's package because the algorithms are package-private: in OSGi only the
 * DS components are visible, and a benchmark has no container.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BulkheadBenchmark {

    private static final String RESULT = "ack";
    private static final Next<String> NEXT = inv -> RESULT;
    private static final Supplier<String> SUPPLIER = () -> RESULT;
    private static final int LIMIT = 1_000;

    private SemaphoreBulkhead semaphore;
    private QueueBulkhead queue;
    private ThreadPoolBulkhead threadPool;
    private io.github.resilience4j.bulkhead.Bulkhead r4jSemaphore;
    private io.github.resilience4j.bulkhead.ThreadPoolBulkhead r4jThreadPool;
    private FailsafeExecutor<String> failsafe;

    @Setup
    public void setUp() {
        semaphore = new SemaphoreBulkhead("send", new SemaphoreBulkheadSettings("send", LIMIT), TimeSource.SYSTEM,
                ExecutionTimer.DEFAULT_SAMPLE_MASK);
        queue = new QueueBulkhead("send", new QueueBulkheadSettings("send", LIMIT, 200, TimeUnit.SECONDS.toNanos(5)),
                TimeSource.SYSTEM, ExecutionTimer.DEFAULT_SAMPLE_MASK);
        threadPool = new ThreadPoolBulkhead("send",
                new ThreadPoolBulkheadSettings("send", 2, 4, 100, TimeUnit.MINUTES.toNanos(1), TimeUnit.SECONDS.toNanos(2)),
                TimeSource.SYSTEM);
        r4jSemaphore = io.github.resilience4j.bulkhead.Bulkhead.of("send", BulkheadConfig.custom()
                .maxConcurrentCalls(LIMIT).maxWaitDuration(Duration.ZERO).build());
        r4jThreadPool = io.github.resilience4j.bulkhead.ThreadPoolBulkhead.of("send", ThreadPoolBulkheadConfig.custom()
                .coreThreadPoolSize(2).maxThreadPoolSize(4).queueCapacity(100).build());
        failsafe = Failsafe.with(dev.failsafe.Bulkhead.<String>of(LIMIT));
    }

    @TearDown
    public void tearDown() throws Exception {
        threadPool.shutdown();
        r4jThreadPool.close();
    }

    /**
     * The invocation a manager would pass; one per benchmark thread, reused like the manager's pool.
     * Every benchmark, ours or not, first moves its start time on, as the manager does on every
     * call: our bulkheads read it (to choose the calls they time), and the store is the manager's
     * cost, so both sides carry it rather than ours alone.
     */
    @State(Scope.Thread)
    public static class Call {
        final BenchInvocation inv = new BenchInvocation();

        Invocation next() {
            inv.start += 37;
            return inv;
        }
    }

    private String ourSemaphore(Call call) throws Exception {
        return semaphore.execute(call.next(), NEXT);
    }

    private String ourQueue(Call call) throws Exception {
        return queue.execute(call.next(), NEXT);
    }

    private String ourThreadPool(Call call) throws Exception {
        return threadPool.execute(call.next(), NEXT);
    }

    private String r4jSemaphore(Call call) {
        call.next();
        return r4jSemaphore.executeSupplier(SUPPLIER);
    }

    private String r4jThreadPool(Call call) {
        call.next();
        return r4jThreadPool.executeSupplier(SUPPLIER).toCompletableFuture().join();
    }

    private String failsafe(Call call) {
        call.next();
        return failsafe.get(SUPPLIER::get);
    }

    @Benchmark
    @Threads(1)
    public String baseline_1t(Call call) {
        call.next();
        return SUPPLIER.get();
    }

    @Benchmark
    @Threads(1)
    public String dwcpSemaphore_1t(Call call) throws Exception {
        return ourSemaphore(call);
    }

    @Benchmark
    @Threads(2)
    public String dwcpSemaphore_2t(Call call) throws Exception {
        return ourSemaphore(call);
    }

    @Benchmark
    @Threads(1)
    public String dwcpQueue_1t(Call call) throws Exception {
        return ourQueue(call);
    }

    @Benchmark
    @Threads(2)
    public String dwcpQueue_2t(Call call) throws Exception {
        return ourQueue(call);
    }

    @Benchmark
    @Threads(1)
    public String r4jSemaphoreBulkhead_1t(Call call) {
        return r4jSemaphore(call);
    }

    @Benchmark
    @Threads(2)
    public String r4jSemaphoreBulkhead_2t(Call call) {
        return r4jSemaphore(call);
    }

    @Benchmark
    @Threads(1)
    public String failsafeBulkhead_1t(Call call) {
        return failsafe(call);
    }

    @Benchmark
    @Threads(2)
    public String failsafeBulkhead_2t(Call call) {
        return failsafe(call);
    }

    @Benchmark
    @Threads(1)
    public String dwcpThreadPool_1t(Call call) throws Exception {
        return ourThreadPool(call);
    }

    @Benchmark
    @Threads(2)
    public String dwcpThreadPool_2t(Call call) throws Exception {
        return ourThreadPool(call);
    }

    @Benchmark
    @Threads(1)
    public String r4jFixedThreadPoolBulkhead_1t(Call call) {
        return r4jThreadPool(call);
    }

    @Benchmark
    @Threads(2)
    public String r4jFixedThreadPoolBulkhead_2t(Call call) {
        return r4jThreadPool(call);
    }

    /** An invocation without a deadline, as the manager hands one to its stages. */
    static final class BenchInvocation implements Invocation {

        long start;

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
            return start;
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
            return TimeSource.SYSTEM;
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
            return new BenchInvocation(); // a copy, as the manager's detach makes
        }
    }
}
