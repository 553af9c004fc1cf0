package io.dwcp.resilience.ratelimiter.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which stripe of a striped structure ({@link StripedCounter}, {@link StripedLatencyWindow}) the
 * current thread writes to. Threads take stripes round robin on their first call, so the first
 * {@link #COUNT} threads that call never share one (a hash of the thread id could put the two
 * threads of a 2-core machine on the same stripe one time in four); more threads than stripes share
 * them, which costs contention but never correctness: every stripe is written atomically.
 */
final class Stripes {

    /** Stripes per structure: a power of two, twice the processors, at most 8 (a latency stripe is ~26 KiB). */
    static final int COUNT = Math.min(8, Integer.highestOneBit(Math.max(1, 2 * Runtime.getRuntime().availableProcessors()) * 2 - 1));

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<Integer> INDEX = ThreadLocal.withInitial(() -> NEXT.getAndIncrement() & (COUNT - 1));

    private Stripes() {
    }

    /** @return the current thread's stripe, in {@code [0, COUNT)} */
    static int index() {
        return INDEX.get();
    }
}
