package io.dwcp.resilience.metrics.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One latency histogram per operation with fixed Prometheus buckets, fed by the manager's call
 * observer callback. A call costs a map look-up, a short bucket search and two striped increments:
 * no lock, no allocation once the operation is known.
 */
final class LatencyHistograms {

    /** Upper bounds in seconds, the last one +Inf: from half a millisecond (datacenter) to 30 s (WAN timeouts). */
    static final double[] BOUNDS_SECONDS = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
            Double.POSITIVE_INFINITY };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length - 1];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    /** The counts of one operation. */
    static final class Histogram {
        final LongAdder[] buckets = new LongAdder[BOUNDS_SECONDS.length];
        final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long nanos) {
            int i = 0;
            while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
                i++;
            }
            buckets[i].increment();
            sumNanos.add(Math.max(0, nanos));
        }

        /** @return the count of each bucket (not cumulative), read once each */
        long[] counts() {
            long[] c = new long[buckets.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = buckets[i].sum();
            }
            return c;
        }
    }

    private final Map<String, Histogram> byOperation = new ConcurrentHashMap<>();

    void record(String operation, long nanos) {
        Histogram h = byOperation.get(operation);
        if (h == null) {
            h = byOperation.computeIfAbsent(operation, op -> new Histogram());
        }
        h.record(nanos);
    }

    /** @return the histograms so far, by operation (live objects: read their counts once) */
    Map<String, Histogram> all() {
        return byOperation;
    }
}
