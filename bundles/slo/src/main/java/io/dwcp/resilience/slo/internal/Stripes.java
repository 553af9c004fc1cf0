package io.dwcp.resilience.slo.internal;

/**
 * How the budgets' call-path counts are striped: a power of two of stripes, chosen by the calling
 * thread's id, so that threads with consecutive ids (a thread pool's workers) never share a stripe
 * up to the stripe count. More threads share stripes; the stripes are atomic, so that costs only
 * contention, never a count.
 */
final class Stripes {

    /** Two per processor, 2 to 16: each stripe of a fine ring holds about 50 KB. */
    private static final int COUNT = Integer.highestOneBit(
            Math.min(16, Math.max(2, 2 * Runtime.getRuntime().availableProcessors())) * 2 - 1);

    private Stripes() {
    }

    /** @return the number of stripes, a power of two */
    static int count() {
        return COUNT;
    }

    /** @return the calling thread's stripe number, to be masked with {@code count() - 1} */
    static int ofCurrentThread() {
        return (int) Thread.currentThread().getId();
    }
}
