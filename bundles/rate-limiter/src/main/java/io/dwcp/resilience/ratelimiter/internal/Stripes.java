package io.dwcp.resilience.ratelimiter.internal;

/**
 * Which stripe of a striped structure ({@link StripedCounter}, {@link StripedLatencyWindow}) the
 * current thread writes to: the low bits of its thread id. Threads made one after another (a pool,
 * a benchmark's workers) have consecutive ids and so distinct stripes; more threads than stripes
 * share them, which costs contention but never correctness: every stripe is written atomically.
 *
 * <p>Not a {@link ThreadLocal} holding a round-robin index: in the full chain (JFR, issue 15) the
 * callers' threads carry many thread locals, and the lookup missed its first slot often enough to
 * cost more than the striping saved ({@code ThreadLocalMap.getEntryAfterMiss}, 6 % of the samples).
 * The thread id is one field read.
 */
final class Stripes {

    /** Stripes per structure: a power of two, twice the processors, at most 8 (a latency stripe is ~26 KiB). */
    static final int COUNT = Math.min(8, Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));

    private Stripes() {
    }

    /** @return the current thread's stripe, in {@code [0, COUNT)} */
    static int index() {
        return (int) Thread.currentThread().getId() & (COUNT - 1);
    }
}
