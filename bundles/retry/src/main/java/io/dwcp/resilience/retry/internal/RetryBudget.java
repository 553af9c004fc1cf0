package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.kit.StripeOwners;
import io.dwcp.resilience.kit.Stripes;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries at a ratio of calls over a sliding window, with a floor of a few retries per second,
 * so that retries cannot multiply the load on a peer that is already failing: with the default
 * 20%, an outage costs at most 1.2 times the normal traffic instead of (1 + max retries) times.
 *
 * <p>A retry is granted when, counted over the window,
 * {@code retries + 1 <= floor(ratio × calls + minRetriesPerSecond × windowSeconds)}. The window is
 * a ring of {@value #BUCKETS} buckets, each {@code window / BUCKETS} wide; a bucket is in the window
 * while it is one of the last {@value #BUCKETS} bucket periods, so the window slides in steps of one
 * bucket.
 *
 * <p>Recording a call is on every call's path: lock-free and allocation-free, and striped: each
 * thread counts in its own row of buckets ({@link #STRIPES} rows, 128 bytes apart, chosen by the
 * kit's {@link Stripes}), so two threads calling at once do not fight over one cache line (issue 15:
 * every call of every thread used to CAS the same bucket). <b>A row has one writer</b>: the first
 * thread to count on it claims it (one CAS, once) and from then on counts with a plain read and a
 * release store, no atomic instruction (the CAS per call was two thirds of the retry stage's
 * success path in a JFR profile, 2026-12-03; the kit's {@link StripeOwners}). A thread whose row
 * another live thread owns counts in one shared row by CAS, as before; one such call in 1024 checks
 * whether the owner has ended and takes the row over if so.
 * Readers sum every row; a count is never torn (64-bit atomic stores) and never lost. The count of the window is the sum over all rows; only granting a retry reads it,
 * which happens only after a failure and is serialised, so the budget is never exceeded, even when
 * many failing calls ask at once. Which bucket period a call falls in is a division by the bucket
 * width only when the time leaves the period last seen ({@link Period}); every other call compares
 * its time with that period's bounds (a 64-bit division was 9-12 % of the full chain's samples).
 */
final class RetryBudget {

    /** Buckets in the window. */
    static final int BUCKETS = 10;

    /** Rows of call buckets: a power of two, twice the processors, at most 8. */
    static final int STRIPES = Stripes.COUNT;
    /** Longs from one row to the next: 16 (128 bytes) holds the 10 buckets and keeps rows off each other's lines. */
    private static final int ROW = 16;

    private static final int EPOCH_SHIFT = 32;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final double ratio;
    private final double reserve;
    private final long bucketNanos;
    /**
     * Per row and bucket, at {@code (row + 1) * ROW + bucket} (the first row is left empty, next to
     * the array's header): (epoch << 32) | count of calls. The epoch says which bucket period the
     * count is for.
     */
    private final AtomicLongArray calls = new AtomicLongArray((STRIPES + 2) * ROW);
    /** The row counted on by the threads whose own row another live thread owns, by CAS. */
    private static final int SHARED_ROW = STRIPES + 1;
    /** Per row: the one thread that writes it, once claimed. */
    private final StripeOwners owners = new StripeOwners();
    /** Per bucket: (epoch << 32) | count of granted retries. Written only under {@code this}. */
    private final AtomicLongArray retries = new AtomicLongArray(BUCKETS);
    /**
     * The bucket period most recently computed. Only ever replaced by a later one; a stale one
     * merely costs the caller a division. Immutable, so a reader sees it whole.
     */
    private volatile Period latest;

    /**
     * @param ratio               retries allowed per call, at least 0
     * @param minRetriesPerSecond retries always allowed per second of window, at least 0
     * @param windowNanos         the window, at least {@value #BUCKETS} ns
     */
    RetryBudget(double ratio, double minRetriesPerSecond, long windowNanos) {
        if (!(ratio >= 0) || Double.isInfinite(ratio) || !(minRetriesPerSecond >= 0)
                || Double.isInfinite(minRetriesPerSecond) || windowNanos < BUCKETS) {
            throw new IllegalArgumentException("retry budget needs ratio >= 0, min retries/s >= 0, window >= " + BUCKETS + " ns");
        }
        this.ratio = ratio;
        this.bucketNanos = windowNanos / BUCKETS;
        this.reserve = minRetriesPerSecond * (bucketNanos * BUCKETS / 1e9);
        this.latest = new Period(0, 0);
        // Buckets start as (epoch 0, count 0). An empty bucket adds nothing to a sum and is claimed
        // by the first increment whatever its epoch, so no clock reading is needed to start.
    }

    /** Counts one call (not a retry) made at {@code nowNanos}. */
    void recordCall(long nowNanos) {
        recordCallOn(Stripes.ofCurrentThread(), nowNanos);
    }

    /** Counts one call on row {@code stripe} (tests model several threads with it). */
    void recordCallOn(int stripe, long nowNanos) {
        Period p = period(nowNanos);
        if (!owners.isMine(stripe)) {
            increment(calls, SHARED_ROW * ROW + p.index, p.epoch);
            return;
        }
        int index = (stripe + 1) * ROW + p.index;
        long next = bumped(calls.get(index), (int) p.epoch);
        if (next != 0) {
            calls.setRelease(index, next); // the row's one writer: no atomic read-modify-write
        }
    }

    /** @return whether the calling thread owns row {@code stripe} (tests) */
    boolean ownsRow(int stripe) {
        return owners.isMine(stripe);
    }


    /**
     * Takes one retry from the budget if it allows one at {@code nowNanos}.
     *
     * @return whether the retry may be made
     */
    synchronized boolean tryAcquireRetry(long nowNanos) {
        Period p = period(nowNanos);
        if (sum(retries, 0, p.epoch) + 1 > allowance(callsIn(p.epoch))) {
            return false;
        }
        increment(retries, p.index, p.epoch);
        return true;
    }

    /** @return calls counted in the window that ends at {@code nowNanos} */
    long callsInWindow(long nowNanos) {
        return callsIn(epoch(nowNanos));
    }

    private long callsIn(long epoch) {
        long total = 0;
        for (int row = 1; row <= SHARED_ROW; row++) {
            total += sum(calls, row * ROW, epoch);
        }
        return total;
    }

    /** @return retries granted in the window that ends at {@code nowNanos} */
    long retriesInWindow(long nowNanos) {
        return sum(retries, 0, epoch(nowNanos));
    }

    /** @return retries that a window with {@code calls} calls allows */
    long allowance(long calls) {
        return (long) Math.floor(ratio * calls + reserve);
    }

    /** @return the width of one bucket period */
    long bucketNanos() {
        return bucketNanos;
    }

    /**
     * @return the bucket period that {@code nowNanos} falls in. Only differences between periods
     *         matter, so the int arithmetic below may wrap (after 2^31 periods) without harm.
     */
    long epoch(long nowNanos) {
        return period(nowNanos).epoch;
    }

    /** @return the bucket period {@code nowNanos} falls in: the last one seen, or a division */
    private Period period(long nowNanos) {
        Period p = latest;
        long offset = nowNanos - p.startNanos;
        if (offset >= 0 && offset < bucketNanos) {
            return p;
        }
        long epoch = Math.floorDiv(nowNanos, bucketNanos);
        Period fresh = new Period(epoch, epoch * bucketNanos);
        if (epoch > p.epoch) {
            latest = fresh; // racing writers may each store theirs; any of them is correct for its time
        }
        return fresh;
    }

    private static long sum(AtomicLongArray counters, int offset, long epoch) {
        long total = 0;
        int currentEpoch = (int) epoch;
        for (int i = 0; i < BUCKETS; i++) {
            long packed = counters.get(offset + i);
            int age = currentEpoch - epochOf(packed);
            // age < 0: a thread with a later clock reading already moved this bucket on; count it,
            // it is at most one bucket period ahead.
            if (age < BUCKETS) {
                total += packed & COUNT_MASK;
            }
        }
        return total;
    }

    /** @param index the bucket's place in {@code counters} (its row's offset plus the period's bucket) */
    private static void increment(AtomicLongArray counters, int index, long epoch) {
        while (true) {
            long packed = counters.get(index);
            long next = bumped(packed, (int) epoch);
            if (next == 0 || counters.compareAndSet(index, packed, next)) {
                return;
            }
        }
    }

    /**
     * @param packed       a bucket's value
     * @param currentEpoch the period of the call being counted
     * @return the bucket's value with the call counted, or 0 to leave it as it is (never a counted
     *         value: those have a count of at least one)
     */
    private static long bumped(long packed, int currentEpoch) {
        int bucketEpoch = epochOf(packed);
        long count = packed & COUNT_MASK;
        if (bucketEpoch == currentEpoch && count != 0) {
            return count == COUNT_MASK ? 0 : packed + 1; // saturated: 4 billion calls in one bucket period
        }
        if (currentEpoch - bucketEpoch > 0 || count == 0) {
            return pack(currentEpoch, 1); // the bucket's period ended, or it is empty: start it over
        }
        return 0; // a late reading for a period this bucket has already left: drop it
    }

    private static long pack(long epoch, long count) {
        return (epoch << EPOCH_SHIFT) | (count & COUNT_MASK);
    }

    private static int epochOf(long packed) {
        return (int) (packed >>> EPOCH_SHIFT);
    }

    /** One bucket period: its number, where it starts, and its bucket in a row. */
    private static final class Period {
        final long epoch;
        final long startNanos;
        final int index;

        Period(long epoch, long startNanos) {
            this.epoch = epoch;
            this.startNanos = startNanos;
            this.index = (int) Math.floorMod(epoch, (long) BUCKETS);
        }
    }

    @Override
    public String toString() {
        return "RetryBudget(ratio " + ratio + ", reserve " + reserve + " per window of " + BUCKETS + " x " + bucketNanos + " ns)";
    }
}
