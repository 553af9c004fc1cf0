package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.kit.Stripes;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * The latencies of the adaptive rate limiter's current window, recorded per {@link Stripes stripe}
 * and merged when the window closes.
 *
 * <p>One {@link AtomicHistogram} shared by every caller made each recording two contended atomic
 * increments (the count slot and the total) plus the min/max updates, and a shared sample counter a
 * third: with two threads the adaptive rate stage was the largest cost of the whole chain (issue 15,
 * JFR). Here each thread records into its own stripe's histogram, whose total is also the window's
 * sample count for that stripe, so a call writes only lines its own stripe owns.
 *
 * <p><b>Two sets alternate</b>, as the single histograms did before: {@link #closeAndMerge()} (the
 * control path, one caller at a time, once per window) flips the set callers write to, then merges
 * the set just closed into one histogram and clears it. A caller that read the old set just before
 * the flip records into it: its sample is counted in this window or, after the next flip, a later
 * one, unless it lands between a stripe's merge and its clear, the one instant it is lost. The
 * percentile of a window of hundreds of samples does not notice either.
 */
final class StripedLatencyWindow {

    private final AtomicHistogram[][] sets;
    private final Histogram merged;
    private volatile int active;

    /**
     * @param highestMicros the largest value recorded (larger ones must be cut to it by the caller)
     */
    StripedLatencyWindow(long highestMicros) {
        sets = new AtomicHistogram[2][Stripes.COUNT];
        for (AtomicHistogram[] set : sets) {
            for (int i = 0; i < set.length; i++) {
                set[i] = new AtomicHistogram(highestMicros, 2);
            }
        }
        merged = new Histogram(highestMicros, 2);
    }

    /** Records one latency, on the caller's stripe of the open window. */
    void record(long micros) {
        sets[active][Stripes.ofCurrentThread()].recordValue(micros);
    }

    /** Records one latency on a given stripe (for tests that model several threads). */
    void recordOn(int stripe, long micros) {
        sets[active][stripe].recordValue(micros);
    }

    /** @return the samples in the open window: the sum of its stripes' totals */
    long count() {
        long total = 0;
        for (AtomicHistogram h : sets[active]) {
            total += h.getTotalCount();
        }
        return total;
    }

    /**
     * Closes the open window: later samples go to the other set; the closed one is merged and cleared.
     * One caller at a time (the controller's adjusting flag).
     *
     * @return the closed window's latencies; valid until the next call
     */
    Histogram closeAndMerge() {
        int index = active;
        active = index ^ 1;
        merged.reset();
        for (AtomicHistogram h : sets[index]) {
            if (h.getTotalCount() > 0) {
                merged.add(h);
                h.reset();
            }
        }
        return merged;
    }

    /** Forgets the samples of the open window (they were taken at a rate no longer in force). */
    void clearOpen() {
        for (AtomicHistogram h : sets[active]) {
            h.reset();
        }
    }
}
