package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An adaptive limit on the calls in flight: admission is one CAS on the in-flight count against
 * the current limit; every completed call is a sample, and once a window has enough samples and
 * has lasted long enough the {@link LimitAlgorithm} moves the limit.
 *
 * <p>As in {@link AdaptiveRateController}, the caller whose sample closes a window does the update
 * if it can take the adjusting flag, and otherwise leaves: no caller waits. A window's figures are
 * kept in atomics and taken with {@code getAndSet}, so a sample that races with the close counts in
 * this window or the next. Allocation-free.
 */
public final class ConcurrencyLimiter {

    private final TimeSource timeSource;
    private final LimitListener listener;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger windowCount = new AtomicInteger();
    private final AtomicInteger rttCount = new AtomicInteger();
    private final AtomicLong rttSum = new AtomicLong();
    private final AtomicInteger windowMaxInflight = new AtomicInteger();
    /** Calls of the window that timed out, were shed downstream or were slower than the drop latency. */
    private final AtomicInteger windowDrops = new AtomicInteger();
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
        this.windowStart = timeSource.nanoTime();
    }

    /** @return whether a call may start; if so it must be {@linkplain #release released} */
    public boolean tryAcquire() {
        for (;;) {
            int current = inflight.get();
            if (current >= limit) {
                return false;
            }
            if (inflight.compareAndSet(current, current + 1)) {
                int now = current + 1;
                for (int max = windowMaxInflight.get(); now > max; max = windowMaxInflight.get()) {
                    if (windowMaxInflight.compareAndSet(max, now)) {
                        break;
                    }
                }
                return true;
            }
        }
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
        inflight.decrementAndGet();
        ConcurrencyLimitSettings s = settings;
        if (rttNanos >= 0) {
            rttSum.addAndGet(rttNanos);
            rttCount.incrementAndGet();
        }
        if (dropped || rttNanos > s.dropLatencyNanos()) {
            windowDrops.incrementAndGet();
        }
        if (windowCount.incrementAndGet() >= s.windowSamples() && nowNanos - windowStart >= s.windowMinNanos()) {
            closeWindow(nowNanos);
        }
    }

    private void closeWindow(long nowNanos) {
        if (!adjusting.compareAndSet(false, true)) {
            return;
        }
        try {
            ConcurrencyLimitSettings s = settings;
            if (windowCount.get() < s.windowSamples() || nowNanos - windowStart < s.windowMinNanos()) {
                return;
            }
            int count = windowCount.getAndSet(0);
            long sum = rttSum.getAndSet(0);
            int measured = rttCount.getAndSet(0);
            int maxInflight = windowMaxInflight.getAndSet(inflight.get());
            // a share, not a single call: ordinary latency variance always has a few slow calls
            boolean dropped = windowDrops.getAndSet(0) > s.dropShare() * count;
            windowStart = nowNanos;
            long shortRtt = measured > 0 ? sum / measured : -1;
            if (shortRtt >= 0) {
                lastShortRtt = shortRtt;
            }
            windowsClosed.incrementAndGet();
            double next = algorithm.update(estimate, shortRtt, maxInflight, dropped);
            lastLongRtt = algorithm.longRttNanos();
            estimate = next;
            int before = limit;
            int after = (int) next;
            if (after != before) {
                limit = after;
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
        return inflight.get();
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
