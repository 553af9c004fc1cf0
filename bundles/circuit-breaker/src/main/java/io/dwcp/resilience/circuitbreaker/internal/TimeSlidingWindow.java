package io.dwcp.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The outcomes of the last {@code seconds} seconds, in one bucket per second of the clock's
 * nanosecond time. A bucket is an object stamped with its second: the first call of a new second
 * replaces the stale bucket by compare-and-set (one small allocation per second of activity), and
 * everyone else adds to the bucket they find. No lock and no spinning: a writer that loses the race
 * simply adds to the winner's bucket.
 */
final class TimeSlidingWindow implements SlidingWindow {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Bucket NEVER = new Bucket(Long.MIN_VALUE);

    private final int seconds;
    private final AtomicReferenceArray<Bucket> buckets;
    /** The bucket most recently written: a hint that spares almost every call the division by a second. */
    private volatile Bucket latest = NEVER;

    TimeSlidingWindow(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("window seconds " + seconds);
        }
        this.seconds = seconds;
        this.buckets = new AtomicReferenceArray<>(seconds);
        for (int i = 0; i < seconds; i++) {
            buckets.set(i, NEVER);
        }
    }

    @Override
    public void record(long nowNanos, boolean failure, boolean slow) {
        Bucket hint = latest;
        long offset = nowNanos - hint.startNanos;
        if (hint != NEVER && offset >= 0 && offset < NANOS_PER_SECOND) {
            // A bucket leaves its slot only a whole window later, when no "now" falls in its second.
            add(hint, failure, slow);
            return;
        }
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        int index = (int) Math.floorMod(second, (long) seconds);
        Bucket bucket = buckets.get(index);
        while (bucket.second != second) {
            if (bucket.second > second) {
                // A later second already owns this slot: this outcome is older than the window.
                return;
            }
            Bucket fresh = new Bucket(second);
            if (buckets.compareAndSet(index, bucket, fresh)) {
                bucket = fresh;
            } else {
                bucket = buckets.get(index);
            }
        }
        latest = bucket;
        add(bucket, failure, slow);
    }

    private static void add(Bucket bucket, boolean failure, boolean slow) {
        Bucket.CALLS.incrementAndGet(bucket);
        if (failure) {
            Bucket.FAILURES.incrementAndGet(bucket);
        }
        if (slow) {
            Bucket.SLOW.incrementAndGet(bucket);
        }
    }

    @Override
    public WindowTally tally(long nowNanos) {
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        long oldest = second - seconds;
        long calls = 0;
        long failures = 0;
        long slow = 0;
        for (int i = 0; i < seconds; i++) {
            Bucket b = buckets.get(i);
            if (b.second > oldest && b.second <= second) {
                calls += b.calls;
                failures += b.failures;
                slow += b.slowCalls;
            }
        }
        return new WindowTally(calls, failures, slow);
    }

    @Override
    public String toString() {
        return "last " + seconds + " s";
    }

    /** The outcomes of one second. */
    private static final class Bucket {
        static final AtomicLongFieldUpdater<Bucket> CALLS = AtomicLongFieldUpdater.newUpdater(Bucket.class, "calls");
        static final AtomicLongFieldUpdater<Bucket> FAILURES = AtomicLongFieldUpdater.newUpdater(Bucket.class, "failures");
        static final AtomicLongFieldUpdater<Bucket> SLOW = AtomicLongFieldUpdater.newUpdater(Bucket.class, "slowCalls");

        final long second;
        final long startNanos;
        volatile long calls;
        volatile long failures;
        volatile long slowCalls;

        Bucket(long second) {
            this.second = second;
            this.startNanos = second * NANOS_PER_SECOND;
        }
    }
}
