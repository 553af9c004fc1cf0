package io.dwcp.resilience.kit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A limit on calls in flight kept as striped permits (issue 15): {@code limit} permits, each free
 * in one {@linkplain Stripes stripe} (cells two cache lines apart) or held by a call. A caller takes
 * a free permit from its own stripe, else borrows one from another stripe, and gives it back to its
 * own stripe, so while its stripe has permits a caller writes no line another stripe writes. Used
 * (kit 2.1) for the calls in flight of the concurrency limit, the adaptive rate limiter's in-flight
 * cap and the semaphore and queue bulkheads, where one shared count (a CAS, or an add and a sum of
 * every stripe) was moved twice by every call.
 *
 * <ul>
 * <li><b>Never more in flight than the limit</b>: the permits are exactly {@code limit}.</li>
 * <li><b>A refusal is exact</b> up to a permit given back during the look: a call is refused only
 * when its own and every other stripe had no free permit when it looked (a refusal a moment early,
 * never an admission too many). Sequentially, a call is admitted exactly when fewer than the limit
 * are in flight.</li>
 * <li><b>Lowering the limit</b> takes free permits out and records the rest as owed: a call that
 * ends pays the debt instead of freeing its permit, and a permit taken while a debt is open pays it
 * instead of admitting. Calls in flight when the limit falls go on; no new one starts until they are
 * below it. Raising pays the debt first, then adds permits.</li>
 * </ul>
 * A permit given back on another stripe than it was taken from is fine: only the sum counts.
 */
public final class StripedPermits {

    /** Longs between two stripes' cells: 128 bytes, no shared line nor adjacent-line prefetch pair. */
    private static final int SPACING = 16;
    /** Permits owed after a cut below the calls in flight: in a block of its own after the stripes. */
    private static final int OWED = (Stripes.COUNT + 1) * SPACING;

    private final AtomicLongArray cells = new AtomicLongArray((Stripes.COUNT + 2) * SPACING);
    /** The limit in force; changed only under {@code this}. */
    private volatile long limit;

    /** @param limit the permits, at least 0 */
    public StripedPermits(long limit) {
        this.limit = limit;
        add(limit);
    }

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first block is left empty: it neighbours the array header
    }

    /** @return whether a permit was taken; if so it must be {@linkplain #release released} */
    public boolean tryAcquire() {
        return tryAcquire(Stripes.ofCurrentThread());
    }

    /** {@link #tryAcquire()} as a thread of stripe {@code stripe} (tests model several threads with it). */
    public boolean tryAcquire(int stripe) {
        for (;;) {
            if (!takeFree(stripe)) {
                return false;
            }
            if (cells.get(OWED) <= 0 || !payOwed()) {
                return true;
            } // else that permit paid a cut's debt instead: try again
        }
    }

    /** Gives a permit back. */
    public void release() {
        release(Stripes.ofCurrentThread());
    }

    /** {@link #release()} as a thread of stripe {@code stripe}. */
    public void release(int stripe) {
        if (cells.get(OWED) <= 0 || !payOwed()) {
            cells.getAndIncrement(slot(stripe));
        }
    }

    /**
     * Moves the limit. Not on the call path.
     *
     * @param next the new limit, at least 0
     */
    public synchronized void setLimit(long next) {
        long before = limit;
        limit = next;
        if (next > before) {
            long more = next - before;
            while (more > 0 && payOwed()) {
                more--;
            }
            add(more);
        } else {
            long cut = before - next;
            for (int i = 0; i < Stripes.COUNT && cut > 0; i++) {
                int slot = slot(i);
                for (long free = cells.get(slot); free > 0 && cut > 0; free = cells.get(slot)) {
                    long taken = Math.min(free, cut);
                    if (cells.compareAndSet(slot, free, free - taken)) {
                        cut -= taken;
                    }
                }
            }
            if (cut > 0) {
                cells.addAndGet(OWED, cut); // held by calls in flight: retired as they end
            }
        }
    }

    /**
     * Moves the limit by {@code delta} (a resize by difference). Not on the call path.
     *
     * @param delta permits to add, or to take away when negative
     */
    public synchronized void changeLimitBy(long delta) {
        setLimit(limit + delta);
    }

    /** @return the limit in force */
    public long limit() {
        return limit;
    }

    /** @return free permits less those owed ({@code limit - in flight} when the callers are quiet) */
    public long free() {
        long total = -cells.get(OWED);
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += cells.get(slot(i));
        }
        return total;
    }

    /** @return permits held by calls ({@code limit - free()}, exact when the callers are quiet) */
    public long inUse() {
        return Math.max(0, limit - free());
    }

    /** Takes a free permit from the stripe, else from any other; false when none had one. */
    private boolean takeFree(int stripe) {
        for (int i = 0; i < Stripes.COUNT; i++) {
            int slot = slot((stripe + i) & (Stripes.COUNT - 1));
            for (long free = cells.get(slot); free > 0; free = cells.get(slot)) {
                if (cells.compareAndSet(slot, free, free - 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether one owed permit was paid */
    private boolean payOwed() {
        for (long owed = cells.get(OWED); owed > 0; owed = cells.get(OWED)) {
            if (cells.compareAndSet(OWED, owed, owed - 1)) {
                return true;
            }
        }
        return false;
    }

    /** Spreads {@code permits} over the stripes, as evenly as they divide. */
    private void add(long permits) {
        for (int i = 0; i < Stripes.COUNT; i++) {
            long share = permits / Stripes.COUNT + (i < permits % Stripes.COUNT ? 1 : 0);
            if (share > 0) {
                cells.addAndGet(slot(i), share);
            }
        }
    }
}
