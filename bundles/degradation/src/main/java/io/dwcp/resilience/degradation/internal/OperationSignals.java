package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.kit.ThreadCells;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts one operation's calls on the call path and rolls them into a window on the engine's tick.
 *
 * <p>Recording is lock-free and allocation-free: a few compares and plain stores into the calling
 * thread's own counters ({@link ThreadCells}, found once per thread through
 * {@link DegradationEngine#caller}), no atomic instruction (issue 15). A tick adds the threads' counters up.
 * Latency is judged without a histogram: the p-th percentile exceeds {@code x} exactly when more
 * than {@code 1 - p} of the calls are slower than {@code x}, so counting the calls slower than the
 * threshold × each level's factor decides the level table as a percentile would.
 *
 * <p>The counters only grow; each tick takes the difference since the last one into a ring of
 * slots (one per tick), so no count is lost to a reset racing a recording.
 */
final class OperationSignals {

    private final String operation;
    private final OperationThresholds thresholds;
    private final long slowDegradedNanos;
    private final long slowSevereNanos;
    private final long slowEmergencyNanos;

    /** Opaque element access: a tick never sees a torn count, the writer's stores stay plain movs. */
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * A cell's counters start this far into its array, and as much follows them: 128 bytes on either
     * side, so that two threads' cells never share a cache line (or an adjacent-line pair), even
     * after the collector has copied them next to each other (each is written on every call).
     */
    private static final int PAD = 16;
    private static final int CALLS = 0;
    private static final int ERRORS = 1;
    private static final int SLOW_DEGRADED = 2;
    private static final int SLOW_SEVERE = 3;
    private static final int SLOW_EMERGENCY = 4;
    private static final int COUNTERS = 5;

    /** Per calling thread: calls, errors, slow for DEGRADED, SEVERELY_DEGRADED, EMERGENCY; each written by its thread only. */
    private final ThreadCells<long[]> counts = new ThreadCells<>(() -> new long[PAD + COUNTERS + PAD],
            OperationSignals::addInto);

    // tick thread only (under the engine's lock)
    private final long[][] ring;
    private int head;
    private final long[] lastTotals = new long[COUNTERS];

    /**
     * @param operation  the operation
     * @param thresholds its thresholds
     * @param table      the level table, for the latency factors
     * @param slots      how many ticks the window holds
     */
    OperationSignals(String operation, OperationThresholds thresholds, LevelTable table, int slots) {
        this.operation = operation;
        this.thresholds = thresholds;
        this.slowDegradedNanos = scaled(thresholds.latencyNanos(), table.degraded());
        this.slowSevereNanos = scaled(thresholds.latencyNanos(), table.severe());
        this.slowEmergencyNanos = scaled(thresholds.latencyNanos(), table.emergency());
        this.ring = new long[slots][lastTotals.length];
    }

    private static long scaled(long nanos, double factor) {
        if (nanos == 0) {
            return Long.MAX_VALUE; // latency not judged: no call is ever slow
        }
        double value = nanos * factor;
        return value >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) value;
    }

    String operation() {
        return operation;
    }

    OperationThresholds thresholds() {
        return thresholds;
    }

    /** @return the calling thread's counters, for {@link #record(long[], CallOutcome, long)} on this thread only */
    long[] cell() {
        return counts.mine();
    }

    private static void addInto(long[] from, long[] into) {
        for (int i = 0; i < COUNTERS; i++) {
            increment(into, i, count(from, i));
        }
    }

    /** @return counter {@code i} of a cell */
    private static long count(long[] cell, int i) {
        return (long) COUNT.getOpaque(cell, PAD + i);
    }

    private static void increment(long[] cell, int i, long x) {
        COUNT.setOpaque(cell, PAD + i, (long) COUNT.getOpaque(cell, PAD + i) + x);
    }

    /**
     * @param level DEGRADED, SEVERELY_DEGRADED or EMERGENCY
     * @return the latency above which a call counts as slow for that level
     */
    long slowNanos(int level) {
        return level == 1 ? slowDegradedNanos : level == 2 ? slowSevereNanos : slowEmergencyNanos;
    }

    /**
     * Learns one call into the calling thread's counters, found on every call (for callers that keep
     * no {@link #cell()}).
     *
     * @param outcome      how it ended
     * @param latencyNanos how long it took
     */
    void record(CallOutcome outcome, long latencyNanos) {
        record(counts.mine(), outcome, latencyNanos);
    }

    /**
     * Learns one call; on the call path.
     *
     * @param cell         the calling thread's {@link #cell()}
     * @param outcome      how it ended
     * @param latencyNanos how long it took
     */
    void record(long[] cell, CallOutcome outcome, long latencyNanos) {
        if (outcome == CallOutcome.REJECTED) {
            // the layer refusing a call is protection at work, not a symptom: counting it would let
            // load shedding keep the level up that made it shed
            return;
        }
        increment(cell, CALLS, 1);
        if (outcome != CallOutcome.SUCCESS) {
            increment(cell, ERRORS, 1);
        }
        if (latencyNanos > slowDegradedNanos) {
            increment(cell, SLOW_DEGRADED, 1);
            if (latencyNanos > slowSevereNanos) {
                increment(cell, SLOW_SEVERE, 1);
                if (latencyNanos > slowEmergencyNanos) {
                    increment(cell, SLOW_EMERGENCY, 1);
                }
            }
        }
    }

    /**
     * Closes the current tick: moves the counts since the last tick into the window, dropping the
     * oldest tick.
     *
     * @return the window's figures
     */
    WindowFigures roll() {
        long[] totals = new long[COUNTERS];
        counts.read(cell -> {
            for (int i = 0; i < COUNTERS; i++) {
                totals[i] += count(cell, i);
            }
        });
        long[] slot = ring[head];
        for (int i = 0; i < totals.length; i++) {
            slot[i] = Math.max(0, totals[i] - lastTotals[i]);
            lastTotals[i] = totals[i];
        }
        head = (head + 1) % ring.length;
        long[] sums = new long[totals.length];
        for (long[] s : ring) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += s[i];
            }
        }
        return new WindowFigures(sums[0], sums[1], new long[] {0, sums[2], sums[3], sums[4]});
    }
}
