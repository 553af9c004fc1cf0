package io.dwcp.resilience.benchmarks;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.TimeSource;
import java.lang.management.ManagementFactory;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Counts, exactly rather than by sampling, what one successful {@code send} through the full
 * default chain costs its caller's thread besides time: how often it reads the clock, and which
 * code reads it, and how many bytes it allocates. Same runtime and configuration as
 * {@link FullChainBenchmark} (every bundle, the shipped configuration, the send rate limiter at its
 * highest rate).
 *
 * <p>Clock reads: a counting {@link TimeSource} is registered, ranked above everything, before the
 * calls; the manager takes it for its invocations ({@link io.dwcp.resilience.api.Invocation#timeSource()})
 * and the stages and observers that read a registered clock take it too, so every read of the
 * chain's clock made on the calling thread is counted and attributed to the first frame outside
 * the clock (a stack walk per read: this tool is slow on purpose, it is not a benchmark). A stage
 * that read {@code System.nanoTime()} directly would not be seen: none does on the call path
 * (checked by reading the code; docs/PERFORMANCE.md).
 *
 * <p>Allocation: {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} of the calling
 * thread before and after a run of calls, with the counting clock removed again: the runtime's own
 * threads do not count, unlike JMH's {@code -prof gc}, which divides every thread's allocation by
 * the benchmark's calls.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.dwcp.resilience.benchmarks.CallPathCheck
 * </pre>
 */
public final class CallPathCheck {

    private static final String OPERATION = FullChainBenchmark.OPERATION;
    private static final String PEER = FullChainBenchmark.PEER;
    private static final Call<String> CALL = FullChainBenchmark.CALL;

    private CallPathCheck() {
    }

    /** The chain's clock, counting the reads made on one thread by the first frame outside it. */
    static final class CountingClock implements TimeSource {
        private final Map<String, LongAdder> readers = new ConcurrentHashMap<>();
        private volatile Thread counted;
        private final StackWalker walker = StackWalker.getInstance();

        void count(Thread thread) {
            readers.clear();
            counted = thread;
        }

        Map<String, Long> stop() {
            counted = null;
            Map<String, Long> copy = new TreeMap<>();
            readers.forEach((k, v) -> copy.put(k, v.sum()));
            return copy;
        }

        private void read(String what) {
            if (Thread.currentThread() != counted) {
                return;
            }
            String reader = walker.walk(frames -> frames
                    .filter(f -> !f.getClassName().equals(CountingClock.class.getName())
                            && !f.getClassName().endsWith(".LayerClock"))
                    .findFirst().map(f -> f.getClassName().replaceFirst("^io\\.dwcp\\.resilience\\.", "") + "."
                            + f.getMethodName() + ":" + f.getLineNumber())
                    .orElse("?"));
            readers.computeIfAbsent(what + " " + reader, k -> new LongAdder()).increment();
        }

        @Override
        public long nanoTime() {
            read("nanoTime");
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            read("currentTimeMillis");
            return System.currentTimeMillis();
        }
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (EmbeddedRuntime runtime = EmbeddedRuntime.builder()
                .set("dwcp.ratelimiter.adaptive-send.cfg", "initial.rate", "1000000")
                .set("dwcp.ratelimiter.adaptive-send.cfg", "max.rate", "1000000")
                .set("dwcp.ratelimiter.adaptive-send.cfg", "burst.ms", "1000")
                .start()) {
            ResilienceManager manager = runtime.manager();
            runtime.awaitChain(OPERATION, StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
                    StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
            System.out.println("chain of send: " + manager.chain(OPERATION).stages());

            bytesPerCall(manager, calls); // warm-up, and the figure without the counting clock

            CountingClock clock = new CountingClock();
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
            ServiceRegistration<TimeSource> reg = runtime.context().registerService(TimeSource.class, clock, props);
            try {
                // components with a static reference to the clock restart: wait for the chain again
                Thread.sleep(2_000);
                runtime.awaitChain(OPERATION, StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
                        StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
                for (int i = 0; i < 20_000; i++) {
                    manager.execute(OPERATION, PEER, CALL); // observers bind per thread, timers settle
                }
                int counted = Math.min(calls, 50_000);
                clock.count(Thread.currentThread());
                for (int i = 0; i < counted; i++) {
                    manager.execute(OPERATION, PEER, CALL);
                }
                Map<String, Long> readers = clock.stop();
                long total = readers.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("clock reads on the calling thread: %d in %d calls = %.4f per call%n", total, counted,
                        (double) total / counted);
                readers.forEach((reader, n) -> System.out.printf("  %10d  %.4f/call  %s%n", n, (double) n / counted, reader));
            } finally {
                reg.unregister();
            }
            Thread.sleep(2_000);
            runtime.awaitChain(OPERATION, StageKind.LOAD_SHED, StageKind.RATE_LIMIT, StageKind.BULKHEAD,
                    StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
            bytesPerCall(manager, calls); // warm-up after the restarts
            Thread.sleep(1_100); // the limiter's bucket fills again
            double b = bytesPerCall(manager, calls);
            System.out.printf("allocated on the calling thread: %.4f bytes per call over %d calls%n", b, calls);
        }
    }

    /** @return bytes the calling thread allocated per call over {@code calls} successful sends */
    private static double bytesPerCall(ResilienceManager manager, int calls) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(me);
        for (int i = 0; i < calls; i++) {
            manager.execute(OPERATION, PEER, CALL);
        }
        long after = threads.getThreadAllocatedBytes(me);
        return (double) (after - before) / calls;
    }
}
