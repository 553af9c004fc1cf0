package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.kit.StripeOwners;
import io.dwcp.resilience.kit.Stripes;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@code size} outcomes, striped: each {@link Stripes stripe} (the calling thread's) keeps
 * its own ring of the last {@code size} outcomes it recorded, with the call's end time, and its own
 * running counts; the window is the {@code size} newest entries of all rings.
 *
 * <p>Why striped (issue 15): the ring used to be one for all callers, so every call of every thread
 * CASed one shared cursor and swapped a slot on a shared line. Now a call writes only its stripe's
 * ring (a cursor CAS and a slot swap on lines no other stripe writes); a success replacing a success
 * changes no count. A ring has one writer (the kit's {@link StripeOwners}): the first thread to record
 * on a stripe claims it and from then on writes its ring with plain reads and release stores, no
 * atomic instruction; a thread whose stripe another live thread owns records on one shared ring by
 * CAS and swap, as all did before (and takes the stripe over once its owner has ended).
 *
 * <p>Reading: with one stripe in use (one calling thread, or several on one stripe) the window is
 * that ring and its running counts, exact and O(1), as before. With several stripes in use and more
 * than {@code size} entries among them, a tally merges the rings newest first by end time (each
 * ring is in the order its stripe recorded), O(size x stripes) on a path taken only after a failure
 * or a slow call, or for metrics. While writers are busy a tally may miss entries being written,
 * as any lock-free read may.
 *
 * <p>A stripe's ring is made on its first record, so a breaker called from one thread holds one.
 */
final class CountSlidingWindow implements SlidingWindow {

    private static final int RECORDED = 1;
    private static final int FAILED = 2;
    private static final int SLOW = 4;
    private static final int CODE_BITS = 3;
    private static final long CODE_MASK = (1L << CODE_BITS) - 1;

    /** Longs before and after a ring's own words: 128 bytes, so two rings never share a line. */
    private static final int PAD = 16;
    private static final int CURSOR = PAD;
    private static final int CALLS = PAD + 1;
    private static final int FAILURES = PAD + 2;
    private static final int SLOW_CALLS = PAD + 3;
    private static final int SLOTS = PAD + 4;

    private final int size;
    /**
     * Per stripe: null until first used, then {@code [PAD] cursor, calls, failures, slow calls,
     * size slots, [PAD]}. A slot is {@code (end time << 3) | code}, 0 while empty; the cursor is
     * the next slot to write, always in [0, size).
     */
    private final AtomicReferenceArray<AtomicLongArray> rings = new AtomicReferenceArray<>(Stripes.COUNT + 1);
    /** The ring of the callers whose stripe another live thread owns (written atomically). */
    private static final int SHARED = Stripes.COUNT;
    private final StripeOwners owners = new StripeOwners();

    CountSlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size " + size);
        }
        this.size = size;
    }

    @Override
    public void record(long nowNanos, boolean failure, boolean slow) {
        recordOn(Stripes.ofCurrentThread(), nowNanos, failure, slow);
    }

    /** Records on stripe {@code stripe} (any int; tests model several threads with it). */
    void recordOn(int stripe, long nowNanos, boolean failure, boolean slow) {
        int s = Stripes.of(stripe);
        int code = RECORDED | (failure ? FAILED : 0) | (slow ? SLOW : 0);
        if (owners.isMine(s)) {
            recordOwned(ring(s), (nowNanos << CODE_BITS) | code, code);
            return;
        }
        AtomicLongArray ring = ring(SHARED);
        int old = (int) (ring.getAndSet(SLOTS + nextSlot(ring), (nowNanos << CODE_BITS) | code) & CODE_MASK);
        if (old == code) {
            return;
        }
        if ((old & RECORDED) == 0) {
            ring.getAndIncrement(CALLS);
        }
        int changed = old ^ code;
        if ((changed & FAILED) != 0) {
            ring.getAndAdd(FAILURES, failure ? 1 : -1);
        }
        if ((changed & SLOW) != 0) {
            ring.getAndAdd(SLOW_CALLS, slow ? 1 : -1);
        }
    }

    /** Records on a ring this thread alone writes: plain reads, release stores (readers read volatile). */
    private void recordOwned(AtomicLongArray ring, long entry, int code) {
        int slot = (int) ring.get(CURSOR);
        ring.setRelease(CURSOR, slot + 1 == size ? 0 : slot + 1);
        int old = (int) (ring.get(SLOTS + slot) & CODE_MASK);
        ring.setRelease(SLOTS + slot, entry);
        if (old == code) {
            return;
        }
        if ((old & RECORDED) == 0) {
            ring.setRelease(CALLS, ring.get(CALLS) + 1);
        }
        int changed = old ^ code;
        if ((changed & FAILED) != 0) {
            ring.setRelease(FAILURES, ring.get(FAILURES) + ((code & FAILED) != 0 ? 1 : -1));
        }
        if ((changed & SLOW) != 0) {
            ring.setRelease(SLOW_CALLS, ring.get(SLOW_CALLS) + ((code & SLOW) != 0 ? 1 : -1));
        }
    }

    private AtomicLongArray ring(int stripe) {
        AtomicLongArray ring = rings.get(stripe);
        if (ring == null) {
            AtomicLongArray fresh = new AtomicLongArray(SLOTS + size + PAD);
            ring = rings.compareAndSet(stripe, null, fresh) ? fresh : rings.get(stripe);
        }
        return ring;
    }

    private int nextSlot(AtomicLongArray ring) {
        for (;;) {
            long slot = ring.get(CURSOR);
            long next = slot + 1 == size ? 0 : slot + 1;
            if (ring.compareAndSet(CURSOR, slot, next)) {
                return (int) slot;
            }
        }
    }

    @Override
    public WindowTally tally(long nowNanos) {
        long calls = 0;
        long failures = 0;
        long slowCalls = 0;
        int used = 0;
        for (int s = 0; s <= SHARED; s++) {
            AtomicLongArray ring = rings.get(s);
            if (ring != null && ring.get(CALLS) > 0) {
                used++;
                calls += ring.get(CALLS);
                failures += ring.get(FAILURES);
                slowCalls += ring.get(SLOW_CALLS);
            }
        }
        if (used <= 1 || calls <= size) {
            return new WindowTally(calls, failures, slowCalls); // every entry is in the window
        }
        return newest();
    }

    /** The {@code size} newest entries of all rings, merged by end time. */
    private WindowTally newest() {
        int stripes = SHARED + 1;
        AtomicLongArray[] ring = new AtomicLongArray[stripes];
        int[] at = new int[stripes];
        long[] left = new long[stripes];
        for (int s = 0; s < stripes; s++) {
            ring[s] = rings.get(s);
            if (ring[s] != null) {
                int cursor = (int) ring[s].get(CURSOR);
                at[s] = cursor == 0 ? size - 1 : cursor - 1;
                left[s] = Math.min(size, ring[s].get(CALLS));
            }
        }
        long calls = 0;
        long failures = 0;
        long slowCalls = 0;
        while (calls < size) {
            int pick = -1;
            long newest = 0;
            for (int s = 0; s < stripes; s++) {
                if (left[s] > 0) {
                    long entry = ring[s].get(SLOTS + at[s]);
                    if ((entry & RECORDED) == 0) {
                        left[s] = 0; // not written yet (a racing writer): this ring has no more
                    } else if (pick < 0 || entry - newest > 0) {
                        pick = s;
                        newest = entry;
                    }
                }
            }
            if (pick < 0) {
                break;
            }
            calls++;
            failures += (newest & FAILED) != 0 ? 1 : 0;
            slowCalls += (newest & SLOW) != 0 ? 1 : 0;
            left[pick]--;
            at[pick] = at[pick] == 0 ? size - 1 : at[pick] - 1;
        }
        return new WindowTally(calls, failures, slowCalls);
    }

    @Override
    public String toString() {
        return "last " + size + " calls";
    }
}
