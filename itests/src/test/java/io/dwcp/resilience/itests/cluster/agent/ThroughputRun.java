package io.dwcp.resilience.itests.cluster.agent;

import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop throughput measurement from this node to one peer: {@code threads} senders, each
 * sending the next message as soon as the previous one is acknowledged, for a fixed time. Either
 * through the raw {@link DWCPTransport} (no chain) or through {@link DWCPManager#send} (the full
 * chain as configured). Latency of every acknowledged send goes into an HdrHistogram recorder.
 */
final class ThroughputRun {

    private static final long TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

    /** A send of one message, raw or through the chain. */
    private interface Sender {
        void send(byte[] payload) throws Exception;
    }

    private ThroughputRun() {
    }

    /**
     * @return {@code <mode> <acked> <failed> <msg/s> <p50 µs> <p99 µs> <p999 µs>}
     */
    static String measure(String mode, String peer, int threads, int size, long millis,
            DWCPTransport transport, DWCPManager manager) throws InterruptedException {
        Sender sender;
        if ("raw".equals(mode)) {
            if (transport == null) {
                throw new IllegalStateException("no DWCPTransport service");
            }
            sender = payload -> transport.send(peer, transport.nextMessageId(), payload, System.nanoTime() + TIMEOUT_NANOS);
        } else if ("chain".equals(mode)) {
            if (manager == null) {
                throw new IllegalStateException("no DWCPManager service");
            }
            Duration timeout = Duration.ofNanos(TIMEOUT_NANOS);
            sender = payload -> manager.send(peer, payload, timeout);
        } else {
            throw new IllegalArgumentException("mode must be raw or chain: " + mode);
        }
        Recorder latencies = new Recorder(TIMEOUT_NANOS, 3);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            byte[] payload = SendRun.payload("bench-" + mode, i, size);
            Thread t = new Thread(() -> {
                long now = System.nanoTime();
                while (now < end) {
                    try {
                        sender.send(payload);
                        long after = System.nanoTime();
                        latencies.recordValue(Math.min(after - now, TIMEOUT_NANOS));
                        acked.incrementAndGet();
                        now = after;
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        now = System.nanoTime();
                    }
                }
            }, "cluster-agent-bench-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var h = latencies.getIntervalHistogram();
        return String.format(java.util.Locale.ROOT, "%s %d %d %.0f %.1f %.1f %.1f", mode, acked.get(), failed.get(),
                acked.get() / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3);
    }
}
