package io.dwcp.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The last {@code size} outcomes, in a ring. Each slot holds a small code; running counts are kept
 * by the difference between the code a slot receives and the one it replaces, so they equal the sum
 * of the slots once writers are quiet and are touched only when that difference is not zero (a
 * success replacing a success writes nothing but its slot).
 */
final class CountSlidingWindow implements SlidingWindow {

    private static final int RECORDED = 1;
    private static final int FAILED = 2;
    private static final int SLOW = 4;

    private final int size;
    private final AtomicIntegerArray slots;
    /** The next slot to write, always in [0, size): advanced by CAS, so no division and no overflow. */
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger slowCalls = new AtomicInteger();

    CountSlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size " + size);
        }
        this.size = size;
        this.slots = new AtomicIntegerArray(size);
    }

    @Override
    public void record(long nowNanos, boolean failure, boolean slow) {
        int code = RECORDED | (failure ? FAILED : 0) | (slow ? SLOW : 0);
        int slot = nextSlot();
        int old = slots.getAndSet(slot, code);
        if (old == code) {
            return;
        }
        if ((old & RECORDED) == 0) {
            calls.incrementAndGet();
        }
        int changed = old ^ code;
        if ((changed & FAILED) != 0) {
            failures.addAndGet(failure ? 1 : -1);
        }
        if ((changed & SLOW) != 0) {
            slowCalls.addAndGet(slow ? 1 : -1);
        }
    }

    private int nextSlot() {
        for (;;) {
            int slot = cursor.get();
            int next = slot + 1 == size ? 0 : slot + 1;
            if (cursor.compareAndSet(slot, next)) {
                return slot;
            }
        }
    }

    @Override
    public WindowTally tally(long nowNanos) {
        return new WindowTally(calls.get(), failures.get(), slowCalls.get());
    }

    @Override
    public String toString() {
        return "last " + size + " calls";
    }
}
