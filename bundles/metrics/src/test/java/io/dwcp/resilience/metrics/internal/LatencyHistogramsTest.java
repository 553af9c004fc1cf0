package io.dwcp.resilience.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Per-thread counts (the manager's per-caller observers and the shared path) add up exactly once the callers stop. */
class LatencyHistogramsTest {

    @Test
    void threadsCountingAtOnceAddUpExactly() throws Exception {
        LatencyHistograms histograms = new LatencyHistograms();
        long[] latencies = {100_000L, 2_000_000L, 40_000_000_000L}; // 0.1 ms: first bucket; 2 ms: 0.0025; 40 s: +Inf
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (long latency : latencies) {
            Thread t = new Thread(() -> {
                CallObserver mine = histograms.forCaller("send");
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 30_000; i++) {
                    mine.onCall(null, CallOutcome.SUCCESS, latency, null);
                }
            });
            threads.add(t);
            t.start();
        }
        go.countDown();
        histograms.record("send", 700_000L); // the shared path, this thread: the 0.001 bucket
        for (Thread t : threads) {
            t.join();
        }
        LatencyHistograms.Histogram h = histograms.all().get("send");
        long[] counts = h.counts();
        assertEquals(LatencyHistograms.BOUNDS_SECONDS.length, counts.length);
        assertEquals(30_000, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(30_000, counts[2]);
        assertEquals(30_000, counts[counts.length - 1]);
        assertEquals(90_001, java.util.Arrays.stream(counts).sum());
        assertEquals(30_000L * (100_000L + 2_000_000L + 40_000_000_000L) + 700_000L, h.sumNanos());
    }
}
