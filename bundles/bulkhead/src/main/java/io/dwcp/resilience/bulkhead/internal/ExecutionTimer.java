package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.Invocation;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures how long calls hold a bulkhead permit, on a sample of calls.
 *
 * <p>Timing every call would cost two clock reads (about 45 ns here), more than the whole bulkhead.
 * Timing one call in {@code 2^k} keeps the mean unbiased at a fraction of that cost. Which calls
 * are timed is decided by a multiplicative hash of {@link Invocation#startNanos()}: the manager has
 * read that clock anyway, so the choice costs a multiply, where even a thread-local random number
 * cost measurably more; and a call's start time, down to the nanosecond, says nothing about how
 * long it will take, so the sample is not biased. The sums are {@link LongAdder}s so that
 * concurrent callers do not contend on one counter.
 */
final class ExecutionTimer {

    /** {@link #begin} result of a call that is not timed; no clock reading can be this value in practice. */
    static final long NOT_SAMPLED = Long.MIN_VALUE;

    /**
     * One call in 256 is timed on fast paths: the two clock reads then cost about 0.25 ns a call
     * (one in 64 cost a measurable nanosecond), and a thousand calls a second still give four
     * samples a second to a mean kept since the start.
     */
    static final int DEFAULT_SAMPLE_MASK = 255;

    private final int sampleMask;
    private final LongAdder samples = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();

    /**
     * @param sampleMask {@code 2^k - 1} to time one call in {@code 2^k}; 0 times every call
     */
    ExecutionTimer(int sampleMask) {
        if (sampleMask < 0 || (sampleMask & (sampleMask + 1)) != 0) {
            throw new IllegalArgumentException("sample mask must be 2^k - 1, was " + sampleMask);
        }
        this.sampleMask = sampleMask;
    }

    /**
     * @param inv the call, as it enters the bulkhead
     * @return the start time on the chain's clock when this call is timed, else {@link #NOT_SAMPLED}
     */
    long begin(Invocation inv) {
        if (sampleMask != 0 && (spread(inv.startNanos()) & sampleMask) != 0) {
            return NOT_SAMPLED;
        }
        return inv.timeSource().nanoTime();
    }

    /**
     * @param inv   the call, as it leaves the bulkhead (still valid: this runs inside execute)
     * @param begin what {@link #begin} returned
     */
    void end(Invocation inv, long begin) {
        if (begin != NOT_SAMPLED) {
            record(inv.operationEndNanos() - begin);
        }
    }

    /** Fibonacci hashing: nearby start times land far apart, so every bit of the result varies. */
    static int spread(long startNanos) {
        return (int) ((startNanos * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /** @param nanos the duration of one timed call */
    void record(long nanos) {
        totalNanos.add(Math.max(0, nanos));
        samples.increment();
    }

    /** @return calls timed so far */
    long samples() {
        return samples.sum();
    }

    /** @return the mean duration of the timed calls, 0 when none was timed */
    double averageNanos() {
        long n = samples.sum();
        return n == 0 ? 0.0 : (double) totalNanos.sum() / n;
    }
}
