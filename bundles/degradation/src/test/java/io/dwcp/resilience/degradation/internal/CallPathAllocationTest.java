package io.dwcp.resilience.degradation.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The call path promises no allocation: recording an outcome, and letting a call pass the shedder.
 * Measured with the JVM's per-thread allocation counter after a warm-up.
 */
class CallPathAllocationTest {

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    /**
     * @return the fewest bytes any of five measured rounds allocated; a path that allocates per call
     *         allocates in every round, while the JVM's own rare housekeeping (compilation,
     *         deoptimisation) shows up in one round at most
     */
    private static long allocatedBy(Runnable work, com.sun.management.ThreadMXBean threads) {
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 3; i++) {
            work.run(); // warm up: first-time allocations (adder cells, thread-local random) happen here
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            work.run();
            fewest = Math.min(fewest, threads.getThreadAllocatedBytes(id) - before);
        }
        return fewest;
    }

    @Test
    void recordingAnOutcomeAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = threads();
        DegradationEngine engine = new DegradationEngine(new ManualTimeSource(),
                DegradationSettings.from(Configs.of("p", Map.of())), change -> { });
        long bytes = allocatedBy(() -> {
            for (int i = 0; i < 100_000; i++) {
                engine.onCall("send", (i & 7) == 0 ? CallOutcome.FAILURE : CallOutcome.SUCCESS, i * 1_000L);
            }
        }, threads);
        // under one byte a call: an object per call (16 B at least) would show as 1.6 MB; the JIT may
        // allocate a little on this thread while it compiles.
        assertTrue(bytes < 100_000, bytes + " bytes allocated by 100000 recordings");
    }

    @Test
    void passingTheShedderAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = threads();
        LoadShedder shedder = new LoadShedder(
                LoadShedSettings.from(Configs.of("p", Map.of())).table(), UniformRandom.THREAD_LOCAL);
        long bytes = allocatedBy(() -> {
            for (int i = 0; i < 100_000; i++) {
                shedder.admit("consensus", DegradationLevel.EMERGENCY); // never shed: the pass path at a bad level
                shedder.admit("receive", DegradationLevel.NORMAL);
            }
        }, threads);
        assertTrue(bytes < 200_000, bytes + " bytes allocated by 200000 passes");
    }
}
