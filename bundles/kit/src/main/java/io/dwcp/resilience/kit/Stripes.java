package io.dwcp.resilience.kit;

/**
 * Which stripe of a striped structure (a {@link StripedAdder}, a stage's striped window or count)
 * the calling thread writes to: the low bits of its thread id. One rule for every stage, written once.
 *
 * <p>Threads made one after another (a pool's workers, a benchmark's threads) have consecutive ids
 * and so distinct stripes up to {@link #COUNT}; more threads share stripes, which costs contention
 * but never a count, as long as each stripe is written atomically.
 *
 * <p>Not a {@link ThreadLocal} holding a round-robin index: in the full chain (JFR, issue 15) the
 * callers' threads carry many thread locals and the lookup missed its first slot often enough to
 * cost more than the striping saved ({@code ThreadLocalMap.getEntryAfterMiss}, 6-9 % of the samples);
 * the thread id is one field read.
 */
public final class Stripes {

    /** The most stripes a structure has. */
    public static final int MAX = 8;

    /** Stripes per structure: a power of two, twice the processors, at most {@link #MAX}. */
    public static final int COUNT = Math.min(MAX,
            Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));

    private Stripes() {
    }

    /** @return the calling thread's stripe, in {@code [0, COUNT)} */
    public static int ofCurrentThread() {
        return (int) Thread.currentThread().getId() & (COUNT - 1);
    }

    /**
     * @param any any int (tests model several threads with it)
     * @return the stripe it stands for, in {@code [0, COUNT)}
     */
    public static int of(int any) {
        return any & (COUNT - 1);
    }
}
