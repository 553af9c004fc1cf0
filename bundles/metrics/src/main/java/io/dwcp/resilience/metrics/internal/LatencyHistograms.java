package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.kit.ThreadCells;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One latency histogram per operation with fixed Prometheus buckets, fed by the manager's call
 * observer callback.
 *
 * <p>Each calling thread counts into its own cell ({@link ThreadCells}), which it finds through
 * the observer the manager binds for it ({@link #forCaller}): a call costs a short bucket search
 * and two plain stores, no map look-up, no atomic instruction, no shared cache line (issue 15: the
 * per-call {@code ConcurrentHashMap} look-up and the {@code LongAdder}s were 4 % of the full
 * chain's samples). A scrape adds the cells up.
 */
final class LatencyHistograms implements CallObserver {

    /** Upper bounds in seconds, the last one +Inf: from half a millisecond (datacenter) to 30 s (WAN timeouts). */
    static final double[] BOUNDS_SECONDS = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
            Double.POSITIVE_INFINITY };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length - 1];

    static {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    /** Opaque element access: a reader never sees a torn count, the writer's stores stay plain movs. */
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Where a cell keeps the sum of latencies, after the bucket counts. */
    private static final int SUM = BOUNDS_SECONDS.length;

    /** One thread's counts for one operation: bucket counts, then the sum in nanoseconds; one writer. */
    static final class Cell {
        /**
         * The counts start this far into the array, and as much follows them: 128 bytes on either
         * side, so that two threads' cells (each written on every call) never share a cache line or
         * an adjacent-line pair, even after the collector has copied them next to each other.
         */
        private static final int PAD = 16;
        private final long[] counts = new long[PAD + SUM + 1 + PAD];

        void record(long nanos) {
            int i = 0;
            while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
                i++;
            }
            add(i, 1);
            add(SUM, Math.max(0, nanos));
        }

        private void add(int i, long x) {
            COUNT.setOpaque(counts, PAD + i, (long) COUNT.getOpaque(counts, PAD + i) + x);
        }

        /** @return count {@code i} ({@link #SUM}: the sum of the latencies); any thread */
        long get(int i) {
            return (long) COUNT.getOpaque(counts, PAD + i);
        }

        static void addInto(Cell from, Cell into) {
            for (int i = 0; i <= SUM; i++) {
                into.add(i, from.get(i));
            }
        }
    }

    /** The counts of one operation: one cell per calling thread. */
    static final class Histogram {
        final ThreadCells<Cell> cells = new ThreadCells<>(Cell::new, Cell::addInto);

        /** @return the count of each bucket (not cumulative) */
        long[] counts() {
            long[] c = new long[SUM];
            cells.read(cell -> {
                for (int i = 0; i < c.length; i++) {
                    c[i] += cell.get(i);
                }
            });
            return c;
        }

        /** @return the sum of the latencies, in nanoseconds */
        long sumNanos() {
            long[] sum = new long[1];
            cells.read(cell -> sum[0] += cell.get(SUM));
            return sum[0];
        }
    }

    private final Map<String, Histogram> byOperation = new ConcurrentHashMap<>();

    private Histogram of(String operation) {
        Histogram h = byOperation.get(operation);
        return h != null ? h : byOperation.computeIfAbsent(operation, op -> new Histogram());
    }

    /** The manager's per-thread observer for {@code operation}: this thread's cell, resolved once. */
    @Override
    public CallObserver forCaller(String operation) {
        Cell mine = of(operation).cells.mine();
        return (inv, outcome, latencyNanos, failure) -> mine.record(latencyNanos);
    }

    /** For a caller without a per-thread observer: finds this thread's cell on every call (slow, rare). */
    @Override
    public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
        record(inv.operation(), latencyNanos);
    }

    void record(String operation, long nanos) {
        of(operation).cells.mine().record(nanos);
    }

    /** @return the histograms so far, by operation (live objects: read their counts once) */
    Map<String, Histogram> all() {
        return byOperation;
    }
}
