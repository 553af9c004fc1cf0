package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long calls hold a bulkhead permit, on a random sample of calls.
 *
 * <p>Timing every call would cost two clock reads (about 45 ns here), more than the whole bulkhead.
 * Timing one call in {@code 2^k}, chosen by the thread-local random generator (no shared state,
 * no allocation), keeps the mean unbiased at a fraction of that cost.
 */
final class ExecutionTimer {

    /** {@link #begin} result of a call that is not timed; no clock reading can be this value in practice. */
    static final long NOT_SAMPLED = Long.MIN_VALUE;

    /** One call in 16 is timed on fast paths. */
    static final int DEFAULT_SAMPLE_MASK = 15;

    private final int sampleMask;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();

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
     * @param clock the chain's clock
     * @return the start time when this call is timed, else {@link #NOT_SAMPLED}
     */
    long begin(TimeSource clock) {
        if (sampleMask != 0 && (ThreadLocalRandom.current().nextInt() & sampleMask) != 0) {
            return NOT_SAMPLED;
        }
        return clock.nanoTime();
    }

    /**
     * @param clock the clock {@code begin} read
     * @param begin what {@link #begin} returned
     */
    void end(TimeSource clock, long begin) {
        if (begin != NOT_SAMPLED) {
            record(clock.nanoTime() - begin);
        }
    }

    /** @param nanos the duration of one timed call */
    void record(long nanos) {
        totalNanos.addAndGet(Math.max(0, nanos));
        samples.incrementAndGet();
    }

    /** @return calls timed so far */
    long samples() {
        return samples.get();
    }

    /** @return the mean duration of the timed calls, 0 when none was timed */
    double averageNanos() {
        long n = samples.get();
        return n == 0 ? 0.0 : (double) totalNanos.get() / n;
    }
}
