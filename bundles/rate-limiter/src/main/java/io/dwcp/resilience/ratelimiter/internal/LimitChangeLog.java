package io.dwcp.resilience.ratelimiter.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, allocation-free record of limit changes: the adjusting thread writes, a publisher
 * thread {@linkplain #drain drains} and turns entries into events. One writer at a time (the
 * limiter's adjusting flag guarantees it), one reader.
 *
 * <p>If the reader falls more than the capacity behind, the oldest entries are overwritten; the
 * reader notices (sequence numbers) and reports how many it missed instead of publishing a torn
 * entry.
 */
public final class LimitChangeLog implements LimitListener {

    /** Receives drained entries. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param from        the limit before
         * @param to          the limit after
         * @param reason      why
         * @param signalNanos the latency that drove it, or -1
         * @param nanos       when, on the limiter's clock
         */
        void accept(double from, double to, Reason reason, long signalNanos, long nanos);
    }

    private static final Reason[] REASONS = Reason.values();

    private final int mask;
    private final double[] from;
    private final double[] to;
    private final long[] signal;
    private final long[] when;
    private final byte[] reason;
    private final AtomicLong written = new AtomicLong();
    private long read;
    private long missed;

    /** @param capacity entries kept; rounded up to a power of two */
    public LimitChangeLog(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = size - 1;
        from = new double[size];
        to = new double[size];
        signal = new long[size];
        when = new long[size];
        reason = new byte[size];
    }

    @Override
    public void limitChanged(double before, double after, Reason why, long signalNanos, long nowNanos) {
        long seq = written.get();
        int i = (int) (seq & mask);
        from[i] = before;
        to[i] = after;
        signal[i] = signalNanos;
        when[i] = nowNanos;
        reason[i] = (byte) why.ordinal();
        written.lazySet(seq + 1); // release: the entry is visible before the count that covers it
    }

    /**
     * Hands every entry written since the last drain to {@code sink}, oldest first.
     *
     * @param sink the receiver
     * @return how many entries were handed over
     */
    public int drain(Sink sink) {
        long end = written.get();
        int capacity = mask + 1;
        if (end - read > capacity) {
            missed += end - capacity - read;
            read = end - capacity;
        }
        int handed = 0;
        for (; read < end; read++) {
            int i = (int) (read & mask);
            double f = from[i];
            double t = to[i];
            long s = signal[i];
            long w = when[i];
            Reason r = REASONS[reason[i]];
            if (written.get() - read > capacity) {
                missed++; // overwritten while we read it
                continue;
            }
            sink.accept(f, t, r, s, w);
            handed++;
        }
        return handed;
    }

    /** @return entries overwritten before they could be drained */
    public long missed() {
        return missed;
    }

    /** @return entries written so far */
    public long written() {
        return written.get();
    }
}
