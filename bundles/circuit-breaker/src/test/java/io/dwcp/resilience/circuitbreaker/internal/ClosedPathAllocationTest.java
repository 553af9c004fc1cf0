package io.dwcp.resilience.circuitbreaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.testkit.InMemoryStateStore;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The success path through a CLOSED breaker allocates nothing: measured with the JVM's per-thread
 * allocation counter, which counts bytes, not time.
 */
class ClosedPathAllocationTest {

    private static final int CALLS = 200_000;

    @ParameterizedTest
    @ValueSource(strings = { "COUNT", "TIME" })
    void aSuccessfulCallThroughAClosedBreakerAllocatesNothing(String windowType) throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        // The clock stays within one second, so the time window's bucket of that second is reused.
        ManualTimeSource clock = new ManualTimeSource();
        CircuitBreakerStage stage = new CircuitBreakerStage();
        stage.setServices(new RecordingLogger().logger(), null);
        stage.store = new InMemoryStateStore();
        stage.timeSource = clock;
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", TestSupport.PID);
        config.put("dwcp.operation", "send");
        config.put("window.type", windowType);
        stage.activate(null, config);
        try {
            TestInvocation inv = new TestInvocation("send", clock);
            Next<String> next = i -> "ack";
            for (int i = 0; i < CALLS; i++) {
                stage.execute(inv, next); // warm up, and create the second's bucket
            }
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++) {
                stage.execute(inv, next);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // The counter's own reading may allocate a little; a single object per call would be 16+ bytes each.
            assertTrue(allocated < CALLS / 10, allocated + " bytes allocated by " + CALLS + " calls");
            assertEquals(2.0 * CALLS, stage.metrics().get(0).value("successes"));
        } finally {
            stage.deactivate();
        }
    }
}
