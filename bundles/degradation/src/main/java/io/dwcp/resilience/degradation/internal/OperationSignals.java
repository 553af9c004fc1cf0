package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.CallOutcome;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts one operation's calls on the call path and rolls them into a window on the engine's tick.
 *
 * <p>Recording is lock-free and allocation-free: a few {@link LongAdder} increments and compares.
 * Latency is judged without a histogram: the p-th percentile exceeds {@code x} exactly when more
 * than {@code 1 - p} of the calls are slower than {@code x}, so counting the calls slower than the
 * threshold × each level's factor decides the level table as a percentile would.
 *
 * <p>The counters only grow; each tick takes the difference since the last one into a ring of
 * slots (one per tick), so no count is lost to a reset racing a recording.
 */
final class OperationSignals {

    private static final int LEVELS = 4;

    private final String operation;
    private final OperationThresholds thresholds;
    private final long slowDegradedNanos;
    private final long slowSevereNanos;
    private final long slowEmergencyNanos;

    private final LongAdder calls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder slowDegraded = new LongAdder();
    private final LongAdder slowSevere = new LongAdder();
    private final LongAdder slowEmergency = new LongAdder();

    // tick thread only (under the engine's lock)
    private final long[][] ring;
    private int head;
    private final long[] lastTotals = new long[2 + LEVELS - 1];

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

    /**
     * @param level DEGRADED, SEVERELY_DEGRADED or EMERGENCY
     * @return the latency above which a call counts as slow for that level
     */
    long slowNanos(int level) {
        return level == 1 ? slowDegradedNanos : level == 2 ? slowSevereNanos : slowEmergencyNanos;
    }

    /**
     * Learns one call; on the call path.
     *
     * @param outcome      how it ended
     * @param latencyNanos how long it took
     */
    void record(CallOutcome outcome, long latencyNanos) {
        if (outcome == CallOutcome.REJECTED) {
            // the layer refusing a call is protection at work, not a symptom: counting it would let
            // load shedding keep the level up that made it shed
            return;
        }
        calls.increment();
        if (outcome != CallOutcome.SUCCESS) {
            errors.increment();
        }
        if (latencyNanos > slowDegradedNanos) {
            slowDegraded.increment();
            if (latencyNanos > slowSevereNanos) {
                slowSevere.increment();
                if (latencyNanos > slowEmergencyNanos) {
                    slowEmergency.increment();
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
        long[] totals = {calls.sum(), errors.sum(), slowDegraded.sum(), slowSevere.sum(), slowEmergency.sum()};
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
