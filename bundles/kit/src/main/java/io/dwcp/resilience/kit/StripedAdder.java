package io.dwcp.resilience.kit;

import java.util.concurrent.atomic.AtomicLongArray;

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
 * <p>Since kit 2.1 each stripe has one writer ({@link StripeOwners}), who adds without an atomic
 * instruction; a thread whose stripe another live thread owns adds atomically to one shared cell.
 *
 * <p>{@link #sum()} is exact when the writers are quiet; while they write it may miss additions
 * made during the read, like {@code LongAdder.sum()}. The stripes are {@value Stripes#MAX} at
 * most, so reading costs a few loads.
 */
public final class StripedAdder {

    /** The most stripes an adder has ({@link Stripes#MAX}). */
    public static final int MAX_STRIPES = Stripes.MAX;
    /** Longs from one stripe to the next: 128 bytes, so no two share a line or an adjacent-line pair. */
    private static final int SPACING = 16;

    /** The cell of the callers whose stripe another live thread owns, after the stripes' cells. */
    private static final int SHARED = (Stripes.COUNT + 1) * SPACING;

    private final AtomicLongArray cells = new AtomicLongArray((Stripes.COUNT + 2) * SPACING);
    private final StripeOwners owners = new StripeOwners();

    /** Adds one, on the calling thread's stripe. */
    public void increment() {
        add(1);
    }

    /**
     * Adds {@code x}: the stripe's owner (kit 2.1, {@link StripeOwners}) with a plain read and a
     * release store, no atomic instruction; any other caller atomically, on a shared cell.
     *
     * @param x what to add, on the calling thread's stripe
     */
    public void add(long x) {
        addOn(Stripes.ofCurrentThread(), x);
    }

    /** @return the total of every stripe */
    public long sum() {
        long total = cells.get(SHARED);
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += cells.get((i + 1) * SPACING);
        }
        return total;
    }

    /** Adds {@code x} on a given stripe (any int; tests model several threads with it). */
    void addOn(int stripe, long x) {
        int s = Stripes.of(stripe);
        if (owners.isMine(s)) {
            int slot = slot(s);
            cells.setRelease(slot, cells.get(slot) + x); // the stripe's one writer
        } else {
            cells.getAndAdd(SHARED, x);
        }
    }

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first line stays empty, next to the header
    }

    @Override
    public String toString() {
        return Long.toString(sum());
    }
}
