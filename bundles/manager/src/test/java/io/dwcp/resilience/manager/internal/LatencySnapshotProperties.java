package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;

/**
 * The manager's latency figures against a simple reference: whichever threads made the calls (and
 * whether they have ended), the snapshot reads like one HdrHistogram (1 ns to 1 h, two digits) into
 * which every call's latency was recorded, clamped to that range.
 */
class LatencySnapshotProperties {

    @Property(tries = 60)
    void theSnapshotReadsLikeOneHistogramOfEveryCall(
            @ForAll @Size(max = 150) List<@LongRange(min = 0, max = 5_000_000_000_000L) Long> latencies,
            @ForAll @Size(max = 150) List<@IntRange(min = 0, max = 3) Integer> threads) throws Exception {
        ChainManager manager = Fixtures.manager(new Fixtures.RecordingLog());
        ManualTimeSource clock = new ManualTimeSource();
        manager.setClock(clock);
        Histogram reference = new Histogram(1, OperationRuntime.MAX_RECORDED_NANOS, 2);
        for (int i = 0; i < latencies.size(); i++) {
            long latency = latencies.get(i);
            int thread = i < threads.size() ? threads.get(i) : 0;
            Runnable call = () -> {
                try {
                    manager.execute("send", inv -> clock.advanceNanos(latency));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            if (thread == 0) {
                call.run(); // the test's own thread, alive when read
            } else {
                Thread t = new Thread(call); // a thread that has ended when read
                t.start();
                t.join();
            }
            reference.recordValue(Math.max(1, Math.min(latency, OperationRuntime.MAX_RECORDED_NANOS)));
        }
        OperationMetrics m = manager.metrics("send");
        assertEquals(latencies.size(), m.calls());
        LatencySnapshot s = m.latency();
        if (latencies.isEmpty()) {
            assertEquals(LatencySnapshot.EMPTY, s);
            return;
        }
        assertEquals(reference.getTotalCount(), s.count());
        assertEquals(reference.getMinValue(), s.minNanos());
        assertEquals(reference.getMaxValue(), s.maxNanos());
        assertEquals(reference.getMean(), s.meanNanos(), reference.getMean() * 1e-12);
        assertEquals(reference.getValueAtPercentile(50), s.p50Nanos());
        assertEquals(reference.getValueAtPercentile(90), s.p90Nanos());
        assertEquals(reference.getValueAtPercentile(95), s.p95Nanos());
        assertEquals(reference.getValueAtPercentile(99), s.p99Nanos());
        assertEquals(reference.getValueAtPercentile(99.9), s.p999Nanos());
    }
}
