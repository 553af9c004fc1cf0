package io.dwcp.resilience.manager.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * A cumulative latency histogram that concurrent callers record into without sharing a cache line:
 * one {@link AtomicHistogram} per stripe, merged on read. The caller names its stripe: the manager
 * gives each calling thread its own number in turn (its {@link InvocationPool}), so up to
 * {@link #stripes()} calling threads never write the same counts, and more threads share stripes
 * safely (the stripes are atomic).
 *
 * <p>Why: one AtomicHistogram for every caller makes each call increment the same total counter and,
 * for calls of similar latency, the same bucket; at two threads that line bounces between the cores
 * on every call (issue 15). A read (a metrics snapshot, rare) pays instead: it adds the stripes up.
 * A stripe's histogram is made on its first record, so the memory follows the threads that call
 * the operation, not the stripe count.
 */
final class StripedHistogram {

    private final AtomicReferenceArray<AtomicHistogram> stripes;
    private final int mask;
    private final long highest;
    private final int digits;

    /**
     * @param highest the highest value recorded (values are clamped by the caller)
     * @param digits  significant decimal digits
     * @param stripes how many stripes; rounded up to a power of two, at least 1
     */
    StripedHistogram(long highest, int digits, int stripes) {
        int n = 1;
        while (n < stripes) {
            n <<= 1;
        }
        this.stripes = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.highest = highest;
        this.digits = digits;
    }

    /**
     * @return the stripe count for this machine: four per processor, 4 to 64, so that the calling
     *         threads of a thread pool land on distinct stripes (each stripe of the manager's
     *         1 ns..1 h, 2-digit histogram holds about 36 KB once used)
     */
    static int defaultStripes() {
        return Math.min(64, Math.max(4, 4 * Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Records one value (1 to highest) in a stripe.
     *
     * @param stripe any int; taken modulo the stripe count
     */
    void recordValue(int stripe, long value) {
        int i = stripe & mask;
        AtomicHistogram h = stripes.get(i);
        if (h == null) {
            h = stripeAt(i);
        }
        h.recordValue(value);
    }

    private AtomicHistogram stripeAt(int i) {
        AtomicHistogram made = new AtomicHistogram(1, highest, digits);
        return stripes.compareAndSet(i, null, made) ? made : stripes.get(i);
    }

    int stripes() {
        return mask + 1;
    }

    /** @return every stripe added up; taken while calls record it may be a few counts behind, never wrong */
    Histogram copy() {
        Histogram total = new Histogram(1, highest, digits);
        for (int i = 0; i < stripes.length(); i++) {
            AtomicHistogram s = stripes.get(i);
            if (s != null) {
                total.add(s);
            }
        }
        return total;
    }
}
