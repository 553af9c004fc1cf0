package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.StripedPermits;
import io.dwcp.resilience.kit.Stripes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An adaptive limit on the calls in flight: admission takes a permit, a completed call gives it
 * back and is a sample; once a window has enough samples and has lasted long enough the
 * {@link LimitAlgorithm} moves the limit.
 *
 * <p><b>Striped (issue 15).</b> One in-flight count and one set of window sums were shared CAS
 * targets that every admitted call moved four times. Now the limit is {@link StripedPermits} (a
 * call takes a free permit from its own stripe, else borrows one; never more in flight than the
 * limit; a refusal only when no stripe had a free permit; a lower limit retires the permits of calls
 * in flight as they end), and each stripe keeps its calls in flight and its share of the window's
 * figures in a cell block of its own, so a caller writes only its own stripe's lines:
 * <ul>
 * <li><b>Windows.</b> Samples, RTT sums and drops are added on the caller's stripe; the window
 * closes at the first sample after its minimum time that finds the stripes' samples together at
 * {@code window.samples} (summed only once the time is in). The most calls in flight of a window
 * is the sum of each stripe's most: exact with one calling thread, an upper bound otherwise (the
 * stripes need not peak together), which the algorithms only compare with half the limit. Chosen
 * over summing every stripe on every call, which is the shared-line traffic this removes.</li>
 * </ul>
 * As in {@link AdaptiveRateController}, the caller whose sample closes a window does the update if
 * it can take the adjusting flag, and otherwise leaves: no caller waits. Allocation-free. Tests:
 * {@code ConcurrencyLimiterTest}, {@code StripedConcurrencyLimiterProperties}.
 */
public final class ConcurrencyLimiter {

    /** Longs between two stripes' cell blocks: 128 bytes, no shared line nor adjacent-line prefetch pair. */
    private static final int SPACING = 16;
    private static final int INFLIGHT = 1;
    private static final int MAX_INFLIGHT = 2;
    private static final int SAMPLES = 3;
    private static final int UNMEASURED = 4;
    private static final int RTT_SUM = 5;
    private static final int DROPS = 6;

    private final TimeSource timeSource;
    private final LimitListener listener;
    /** Per stripe: its calls in flight, their most in this window, and its share of the window's sums. */
    private final AtomicLongArray cells = new AtomicLongArray((Stripes.COUNT + 1) * SPACING);
    private final StripedPermits permits;
    private final AtomicBoolean adjusting = new AtomicBoolean();
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong lowered = new AtomicLong();
    private final AtomicLong windowsClosed = new AtomicLong();

    private volatile ConcurrencyLimitSettings settings;
    private volatile int limit;
    private volatile long windowStart;
    private volatile long lastShortRtt = -1;
    private volatile long lastLongRtt = -1;
    /** The unrounded limit the algorithm works on; guarded by {@link #adjusting}. */
    private double estimate;
    /** Guarded by {@link #adjusting}. */
    private LimitAlgorithm algorithm;

    /**
     * @param settings   the configuration
     * @param startLimit the limit to start with (initial, or restored); clamped into the bounds
     * @param longRtt    a long-term RTT restored from saved state, or -1
     * @param timeSource the clock
     * @param listener   told of every change of the enforced limit
     */
    public ConcurrencyLimiter(ConcurrencyLimitSettings settings, double startLimit, long longRtt,
            TimeSource timeSource, LimitListener listener) {
        this.settings = settings;
        this.timeSource = timeSource;
        this.listener = listener;
        this.algorithm = settings.newAlgorithm();
        this.algorithm.restoreLongRtt(longRtt);
        this.lastLongRtt = algorithm.longRttNanos();
        this.estimate = clamp(startLimit, settings);
        this.limit = (int) estimate;
        this.permits = new StripedPermits(limit);
        this.windowStart = timeSource.nanoTime();
    }

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first block is left empty: it neighbours the array header
    }

    /** @return whether a call may start; if so it must be {@linkplain #release released} */
    public boolean tryAcquire() {
        return tryAcquire(Stripes.ofCurrentThread());
    }

    /**
     * {@link #tryAcquire()} as a thread of the given stripe (tests model several threads with it).
     *
     * @param stripe the caller's stripe, in {@code [0, Stripes.COUNT)}
     * @return whether a call may start; if so it must be released on the same stripe
     */
    boolean tryAcquire(int stripe) {
        if (!permits.tryAcquire(stripe)) {
            return false;
        }
        int slot = slot(stripe);
        long now = cells.incrementAndGet(slot + INFLIGHT);
        for (long max = cells.get(slot + MAX_INFLIGHT); now > max; max = cells.get(slot + MAX_INFLIGHT)) {
            if (cells.compareAndSet(slot + MAX_INFLIGHT, max, now)) {
                break;
            }
        }
        return true;
    }

    /**
     * Ends a call that {@link #tryAcquire()} admitted and records it as a sample.
     *
     * @param rttNanos its round-trip time, or -1 when it should not count as a latency sample
     *                 (a rejection by an inner stage returns fast without doing the work)
     * @param dropped  whether it timed out or was shed downstream
     * @param nowNanos the current time
     */
    public void release(long rttNanos, boolean dropped, long nowNanos) {
        release(Stripes.ofCurrentThread(), rttNanos, dropped, nowNanos);
    }

    /** {@link #release(long, boolean, long)} as a thread of the given stripe. */
    void release(int stripe, long rttNanos, boolean dropped, long nowNanos) {
        int slot = slot(stripe);
        cells.decrementAndGet(slot + INFLIGHT);
        permits.release(stripe);
        ConcurrencyLimitSettings s = settings;
        if (rttNanos >= 0) {
            cells.addAndGet(slot + RTT_SUM, rttNanos);
        } else {
            cells.incrementAndGet(slot + UNMEASURED);
        }
        if (dropped || rttNanos > s.dropLatencyNanos()) {
            cells.incrementAndGet(slot + DROPS);
        }
        cells.incrementAndGet(slot + SAMPLES);
        if (nowNanos - windowStart >= s.windowMinNanos() && sum(SAMPLES) >= s.windowSamples()) {
            closeWindow(nowNanos);
        }
    }

    private long sum(int field) {
        long total = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += cells.get(slot(i) + field);
        }
        return total;
    }

    private long takeAll(int field) {
        long total = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += cells.getAndSet(slot(i) + field, 0);
        }
        return total;
    }

    private void closeWindow(long nowNanos) {
        if (!adjusting.compareAndSet(false, true)) {
            return;
        }
        try {
            ConcurrencyLimitSettings s = settings;
            if (sum(SAMPLES) < s.windowSamples() || nowNanos - windowStart < s.windowMinNanos()) {
                return;
            }
            long count = takeAll(SAMPLES);
            long unmeasured = takeAll(UNMEASURED);
            long sum = takeAll(RTT_SUM);
            long measured = count - unmeasured;
            long maxInflight = 0;
            for (int i = 0; i < Stripes.COUNT; i++) {
                int slot = slot(i);
                long inflight = cells.get(slot + INFLIGHT);
                maxInflight += Math.max(0, cells.getAndSet(slot + MAX_INFLIGHT, Math.max(0, inflight)));
            }
            // a share, not a single call: ordinary latency variance always has a few slow calls
            boolean dropped = takeAll(DROPS) > s.dropShare() * count;
            windowStart = nowNanos;
            long shortRtt = measured > 0 ? sum / measured : -1;
            if (shortRtt >= 0) {
                lastShortRtt = shortRtt;
            }
            windowsClosed.incrementAndGet();
            double next = algorithm.update(estimate, shortRtt, (int) Math.min(Integer.MAX_VALUE, maxInflight), dropped);
            lastLongRtt = algorithm.longRttNanos();
            estimate = next;
            int before = limit;
            int after = (int) next;
            if (after != before) {
                limit = after;
                permits.setLimit(after);
                (after < before ? lowered : raised).incrementAndGet();
                listener.limitChanged(before, after, algorithm.reason(before, after), shortRtt, nowNanos);
            }
        } finally {
            adjusting.set(false);
        }
    }

    /**
     * Takes a new configuration. The limit is kept (moved into the new bounds); a change of
     * algorithm starts the new one fresh.
     *
     * @param newSettings the configuration
     * @param nowNanos    the current time
     */
    public void reconfigure(ConcurrencyLimitSettings newSettings, long nowNanos) {
        while (!adjusting.compareAndSet(false, true)) {
            Thread.onSpinWait(); // configuration thread only; a window update takes nanoseconds
        }
        try {
            if (!newSettings.equals(settings)) {
                long longRtt = algorithm.longRttNanos();
                boolean sameKind = newSettings.algorithm().equals(settings.algorithm());
                algorithm = newSettings.newAlgorithm();
                if (sameKind) {
                    algorithm.restoreLongRtt(longRtt); // new parameters, same algorithm: keep what it learnt
                }
            }
            settings = newSettings;
            estimate = clamp(estimate, newSettings);
            int before = limit;
            int after = (int) estimate;
            if (after != before) {
                limit = after;
                permits.setLimit(after);
                listener.limitChanged(before, after, LimitListener.Reason.CONFIGURED, -1, nowNanos);
            }
        } finally {
            adjusting.set(false);
        }
    }

    /** @return the enforced limit */
    public int limit() {
        return limit;
    }

    /** @return calls in flight */
    public int inflight() {
        return (int) sum(INFLIGHT);
    }

    /** @return free permits in the stripes minus those owed (limit - in flight, when quiet) */
    long freePermits() {
        return permits.free();
    }

    /** @return the configuration in force */
    public ConcurrencyLimitSettings settings() {
        return settings;
    }

    /** @return mean RTT of the last window that measured one, in nanoseconds, or -1 */
    public long lastShortRttNanos() {
        return lastShortRtt;
    }

    /** @return the algorithm's long-term RTT in nanoseconds, or -1 */
    public long longRttNanos() {
        return lastLongRtt;
    }

    /** @return how often the limit went up */
    public long raised() {
        return raised.get();
    }

    /** @return how often the limit went down */
    public long lowered() {
        return lowered.get();
    }

    /** @return windows evaluated so far */
    public long windowsClosed() {
        return windowsClosed.get();
    }

    /** @return the clock this limiter runs on */
    public TimeSource timeSource() {
        return timeSource;
    }

    private static double clamp(double value, ConcurrencyLimitSettings s) {
        return Math.max(s.minLimit(), Math.min(s.maxLimit(), value));
    }
}
