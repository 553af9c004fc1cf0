package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.kit.latency.LatencyCounts;
import java.lang.management.ManagementFactory;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * {@link OperationRuntime#snapshot} folds the calling threads' counts into one total it reuses
 * (cleared each time) rather than a new histogram per snapshot: every snapshot, taken again and again
 * as a sampler does, must still be exactly everything recorded so far, by threads still running and
 * threads that ended, whatever the earlier snapshots held (one snapshot at the end:
 * {@link LatencySnapshotProperties}).
 */
class OperationSnapshotProperties {

    /** Batches of latencies (ns), each recorded by its own thread (which then ends) or by the test's thread. */
    @Provide
    Arbitrary<List<List<Long>>> batches() {
        Arbitrary<Long> latency = Arbitraries.oneOf(Arbitraries.longs().between(1, 10_000),
                Arbitraries.longs().between(1, OperationRuntime.MAX_RECORDED_NANOS));
        return latency.list().ofMaxSize(50).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 100)
    void everySnapshotIsTheMergeOfAllThatWasRecorded(@ForAll("batches") List<List<Long>> batches) throws Exception {
        OperationRuntime rt = new OperationRuntime("send", 0);
        Histogram reference = new Histogram(1, OperationRuntime.MAX_RECORDED_NANOS, 2);
        LatencyCounts mine = rt.newCallerState().latency; // the test's thread: a live writer throughout
        int n = 0;
        for (List<Long> batch : batches) {
            if (n++ % 2 == 0) {
                for (long v : batch) {
                    mine.record(v);
                }
            } else {
                Thread t = new Thread(() -> {
                    LatencyCounts h = rt.newCallerState().latency;
                    for (long v : batch) {
                        h.record(v);
                    }
                });
                t.start();
                t.join(); // an ended thread: its cell is retired into the operation's total on the next read
            }
            for (long v : batch) {
                reference.recordValue(v);
            }
            assertSnapshot(reference, rt.snapshot());
            assertSnapshot(reference, rt.snapshot()); // twice: the reused total starts from nothing each time
        }
    }

    private static void assertSnapshot(Histogram reference, OperationMetrics m) {
        assertEquals(reference.getTotalCount(), m.calls());
        assertEquals(reference.getTotalCount(), m.successes());
        LatencySnapshot l = m.latency();
        if (reference.getTotalCount() == 0) {
            assertEquals(LatencySnapshot.EMPTY, l);
            return;
        }
        assertEquals(reference.getTotalCount(), l.count());
        assertEquals(reference.getMinValue(), l.minNanos());
        assertEquals(Math.max(reference.getMaxValue(), reference.getValueAtPercentile(100)), l.maxNanos());
        assertEquals(reference.getMean(), l.meanNanos(), 1e-6 * Math.max(1, reference.getMean()));
        assertEquals(reference.getValueAtPercentile(50), l.p50Nanos());
        assertEquals(reference.getValueAtPercentile(99), l.p99Nanos());
        assertEquals(reference.getValueAtPercentile(99.9), l.p999Nanos());
    }

    /** What the dashboard's sampler does each second for every operation: no histogram allocated per snapshot. */
    @Test
    void aSnapshotAllocatesNoHistogram() {
        OperationRuntime rt = new OperationRuntime("send", 0);
        LatencyCounts mine = rt.newCallerState().latency;
        for (long v = 1; v < 1_000_000_000L; v *= 3) {
            mine.record(v);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 1_000; i++) { // warm: the JIT may remove some of the small records below
            rt.snapshot();
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100; i++) {
            rt.snapshot();
        }
        long perSnapshot = (threads.getThreadAllocatedBytes(id) - before) / 100;
        // a new histogram of this range was ~37 KB; what is left is the snapshot's two small records
        assertTrue(perSnapshot < 1_024, perSnapshot + " bytes per snapshot");
    }
}
