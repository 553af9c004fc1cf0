package io.dwcp.resilience.kit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A sum that many threads add to, each on its own stripe ({@link Stripes}: the low bits of its
 * thread id; cells 128 bytes apart), read by adding the stripes: a counter for a stage's success path.
 *
 * <p>Why not {@link java.util.concurrent.atomic.LongAdder}: it counts on one shared word until a
 * CAS on it <em>fails</em>, and two threads that take turns rarely make it fail, they only bounce
 * its cache line; in a JFR profile of the full chain at two threads (issue 15) the success counters
 * of the breaker, the timeout and the retry stage were a quarter of the benchmark threads' samples,
 * all on that first word. Here a thread never writes a line another thread's stripe is on.
 *
 * <p>No atomic instruction for the thread that owns its stripe: the first thread to add on a
 * stripe becomes its owner and from then on adds with a plain (opaque) read and write of its own
 * cell, as the only writer of that cell; a thread whose stripe another live thread owns adds
 * atomically to the stripe's second cell, 128 bytes away. Four stages count every successful call
 * here, so a call that passes the whole chain saves four locked instructions (issue 15: each one
 * also drains the store buffer; together 4-7 % of the call's samples in the JFR profile). An owner
 * that has ended hands its stripe on: a thread that adds atomically on the stripe checks, each time
 * the stripe's atomic count passes a multiple of 1024, whether the owner is still alive and, if not,
 * takes the stripe over with its cell (the
 * ended thread's writes are all visible then: its end happens-before {@link Thread#isAlive()}
 * returning false), so pools whose threads come and go keep the fast path.
 *
 * <p>{@link #sum()} is exact when the writers are quiet (after a join, or any other happens-before
 * edge from their last addition); while they write it may miss additions made during the read,
 * like {@code LongAdder.sum()}, and never sees a torn value. The stripes are
 * {@value Stripes#MAX} at most, so reading costs a few loads.
 */
public final class StripedAdder {

    /** The most stripes an adder has ({@link Stripes#MAX}). */
    public static final int MAX_STRIPES = Stripes.MAX;
    /** Longs from one stripe to the next: 256 bytes, its owned cell and its shared cell 128 bytes apart. */
    private static final int SPACING = 32;
    /** From a stripe's owned cell to its shared cell (atomic adds of the threads that do not own it). */
    private static final int SHARED = 16;
    /** References from one stripe's owner to the next: 64 bytes with compressed references, more without. */
    private static final int OWNER_SPACING = 16;
    /** A thread adding atomically checks the owner's life when the shared cell crosses a multiple of 1024. */
    private static final long TAKE_OVER_CHECK_MASK = 1023;

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(Thread[].class);

    /** The first line stays empty, next to the header; each stripe's two cells, padded. */
    private final long[] cells = new long[(Stripes.COUNT + 1) * SPACING];
    /** Each stripe's owner, padded from its neighbours and from whatever the heap puts around it. */
    private final Thread[] owners = new Thread[(Stripes.COUNT + 2) * OWNER_SPACING];

    /** Adds one, on the calling thread's stripe. */
    public void increment() {
        add(1);
    }

    /** @param x what to add, on the calling thread's stripe */
    public void add(long x) {
        Thread me = Thread.currentThread();
        int stripe = Stripes.of((int) me.getId());
        int owner = ownerSlot(stripe);
        if ((Thread) OWNER.getOpaque(owners, owner) == me) {
            int c = slot(stripe); // this thread's own cell: it is the only writer
            CELL.setOpaque(cells, c, (long) CELL.getOpaque(cells, c) + x);
            return;
        }
        addNotOwned(me, stripe, owner, x);
    }

    private void addNotOwned(Thread me, int stripe, int owner, long x) {
        Thread current = (Thread) OWNER.getAcquire(owners, owner);
        if (current == null && OWNER.compareAndSet(owners, owner, (Thread) null, me)) {
            int c = slot(stripe);
            CELL.setOpaque(cells, c, (long) CELL.getOpaque(cells, c) + x);
            return;
        }
        long before = (long) CELL.getAndAdd(cells, slot(stripe) + SHARED, x);
        if (((before ^ (before + x)) & ~TAKE_OVER_CHECK_MASK) != 0 && current != null && !current.isAlive()) {
            // the owner has ended: its writes to the owned cell are all visible now, and the CAS
            // makes this thread the only writer from here on
            OWNER.compareAndSet(owners, owner, current, me);
        }
    }

    /** @return the total of every stripe */
    public long sum() {
        long total = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            int c = slot(i);
            total += (long) CELL.getOpaque(cells, c) + (long) CELL.getVolatile(cells, c + SHARED);
        }
        return total;
    }

    /** Adds {@code x} on a given stripe (any int; tests model several threads with it), as a thread that does not own it. */
    void addOn(int stripe, long x) {
        CELL.getAndAdd(cells, slot(Stripes.of(stripe)) + SHARED, x);
    }

    /** @return the thread that owns {@code stripe} now, or null (tests) */
    Thread owner(int stripe) {
        return (Thread) OWNER.getVolatile(owners, ownerSlot(Stripes.of(stripe)));
    }

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first line stays empty, next to the header
    }

    private static int ownerSlot(int stripe) {
        return (stripe + 1) * OWNER_SPACING;
    }

    @Override
    public String toString() {
        return Long.toString(sum());
    }
}
