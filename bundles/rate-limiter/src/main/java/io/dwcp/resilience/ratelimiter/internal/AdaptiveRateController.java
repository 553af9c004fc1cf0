package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.StripedPermits;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The specified adaptive rate limiter: a {@link TokenBucket} whose rate follows the P95 latency of
 * the calls it admitted.
 *
 * <p>Every admitted call reports its latency; latencies go into an HdrHistogram (microseconds,
 * two significant digits). After each window of {@link AdaptiveRateSettings#windowSamples()}
 * samples the controller reads the window's P95 and:
 * <ul>
 *   <li>P95 above {@code decreaseAbove x target} (120%): rate {@code x (1 - decreaseStep)} (-10%);</li>
 *   <li>P95 below {@code increaseBelow x target} (80%): rate {@code x (1 + increaseStep)} (+5%);</li>
 *   <li>otherwise the rate stays; it never leaves {@code [minRate, maxRate]}.</li>
 * </ul>
 *
 * <p><b>No raise on stale evidence.</b> Latency lags the rate: a call admitted before the last
 * change reports what the old rate did. A decrease acts on any window, so overload is always met
 * within one window; an increase needs a window made only of calls admitted at the current rate.
 * Without that rule the controller keeps raising while the queue it has just started to build is
 * still invisible, overshoots into saturation and swings (see docs/PERFORMANCE-rate-limiter.md).
 *
 * <p><b>Around the rule</b> (issue 16, docs/rate-limiter.md): at most {@code rate x inflight.factor x
 * target} calls in flight ({@link #tryStart()}), so a rate above what the server completes cannot
 * build an unbounded queue; raises of an unbroken run of fast windows double their step
 * ({@link #raiseFactor(int, AdaptiveRateSettings)}); a cut waits while the queue already drains
 * ({@link #draining(double, double, long, AdaptiveRateSettings)}).
 *
 * <p><b>Off the critical path, and striped.</b> Recording is wait-free and touches only the
 * caller's own stripe ({@link StripedLatencyWindow}: one HdrHistogram per stripe, whose totals are
 * also the window's sample count), and so is the in-flight cap ({@link StripedPermits}): with two
 * threads, one shared histogram, sample counter and in-flight counter made this stage the largest
 * cost of the chain (issue 15). The caller whose sample completes a window does the adjustment, at
 * most one at a time: whoever fails to take the adjusting flag just leaves, so no caller ever
 * waits for another. Two sets of stripes alternate: the window being evaluated is no longer written
 * to, a sample that raced with the swap lands in one window or the next. The adjustment merges the
 * stripes, reads one percentile and clears them (microseconds, once per window) and allocates
 * only when the rate changes (a new bucket generation). Publishing the change (events, saved
 * state) is the {@link LimitListener}'s business and must not block either.
 */
public final class AdaptiveRateController {

    /** Latencies above this are recorded as this: one hour in microseconds. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    /** A cut may wait once the rate lets the queue drain its excess over the target within this time. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final TokenBucket bucket;
    private final LimitListener listener;
    private final StripedLatencyWindow window = new StripedLatencyWindow(HIGHEST_MICROS);
    private final AtomicInteger staleSamples = new AtomicInteger();
    private final AtomicBoolean adjusting = new AtomicBoolean();
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong lowered = new AtomicLong();
    private final AtomicLong windowsClosed = new AtomicLong();
    /** Calls admitted and not yet finished. */
    private final StripedPermits inflight;
    /** The most calls that may be in flight at the current rate. */
    private volatile int inflightLimit;

    private volatile AdaptiveRateSettings settings;
    private volatile double rate;
    private volatile long lastP95Nanos = -1;
    /** When the rate last changed; samples of calls admitted before it are not counted. */
    private volatile long lastChangeNanos;
    /** When the window being filled began. */
    private volatile long windowStartNanos;
    /** Whether the last change was a raise: only then are samples of calls admitted before it too optimistic. */
    private volatile boolean lastChangeRaised;
    /** Raises since the last window that did not call for one (only the adjusting caller touches it). */
    private int raiseStreak;
    /** Cuts held because the rate was already below what the server completed. */
    private final AtomicLong held = new AtomicLong();

    /**
     * @param settings    the configuration
     * @param startRate   the rate to start with (the initial rate, or one restored from saved state);
     *                    clamped into the configured bounds
     * @param timeSource  the clock
     * @param listener    told of every rate change
     */
    public AdaptiveRateController(AdaptiveRateSettings settings, double startRate, TimeSource timeSource,
            LimitListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.rate = clamp(startRate, settings);
        this.bucket = new TokenBucket(rate, settings.burstAt(rate), 0, settings.permitsPerCall(), timeSource);
        this.inflightLimit = settings.inflightLimitAt(rate);
        this.inflight = new StripedPermits(inflightLimit);
        this.lastChangeNanos = timeSource.nanoTime() - TokenBucket.PREDATING_NANOS; // calls admitted just before count
        this.windowStartNanos = timeSource.nanoTime();
    }

    /** @return the token bucket that enforces the current rate */
    public TokenBucket bucket() {
        return bucket;
    }

    /**
     * Inflight-aware admission: takes a place among the calls in flight unless
     * {@link AdaptiveRateSettings#inflightLimitAt(double)} are already there. By Little's law a
     * server that keeps up with the rate holds {@code rate x mean latency} calls, less than
     * {@code rate x target}; more means calls queue because the server completes fewer than the rate
     * admits (its capacity fell, or the rate overshot it), and every further call would only wait
     * longer. The cap makes the limiter self-clocking like a concurrency limit while the rate is
     * wrong, so the backlog, and with it the latency, stays bounded until the rate has followed.
     * A caller that got a place must {@link #finished()} it, whatever the outcome.
     *
     * @return whether the call may start
     */
    public boolean tryStart() {
        return inflight.tryAcquire();
    }

    /** Gives back the place a successful {@link #tryStart()} took. */
    public void finished() {
        inflight.release();
    }

    /** @return calls admitted and not yet finished */
    public int inflight() {
        return (int) inflight.inUse();
    }

    /** @return the most calls that may be in flight at the current rate */
    public int inflightLimit() {
        return inflightLimit;
    }

    /**
     * Records the latency of one admitted call and, if it completes a window, adjusts the rate.
     *
     * @param latencyNanos how long the call took from admission to completion
     * @param nowNanos     the current time
     */
    public void record(long latencyNanos, long nowNanos) {
        long micros = latencyNanos <= 0 ? 0 : Math.min(HIGHEST_MICROS, latencyNanos / 1_000L);
        window.record(micros);
        if (nowNanos - latencyNanos - lastChangeNanos < 0) {
            staleSamples.incrementAndGet(); // admitted before the last change
        }
        AdaptiveRateSettings s = settings;
        // Time first: one volatile read; the stripes are summed only once the window may close.
        if (nowNanos - windowStartNanos >= s.windowMinNanos() && window.count() >= s.windowSamples()) {
            closeWindow(nowNanos);
        }
    }

    private void closeWindow(long nowNanos) {
        if (!adjusting.compareAndSet(false, true)) {
            return; // someone else is closing it; never wait for them
        }
        try {
            AdaptiveRateSettings s = settings;
            if (nowNanos - windowStartNanos < s.windowMinNanos() || window.count() < s.windowSamples()) {
                return; // closed by the previous holder of the flag
            }
            long windowNanos = nowNanos - windowStartNanos;
            windowStartNanos = nowNanos;
            Histogram closed = window.closeAndMerge();
            boolean stale = staleSamples.getAndSet(0) > 0;
            long count = closed.getTotalCount();
            if (count == 0) {
                return;
            }
            long p95Nanos = closed.getValueAtPercentile(95.0) * 1_000L;
            lastP95Nanos = p95Nanos;
            windowsClosed.incrementAndGet();
            double completed = windowNanos <= 0 ? 0 : count * 1e9 / windowNanos; // unknown: never hold a cut
            adjust(p95Nanos, completed, stale, s, nowNanos);
        } finally {
            adjusting.set(false);
        }
    }

    private void adjust(long p95Nanos, double completedPerSecond, boolean stale, AdaptiveRateSettings s,
            long nowNanos) {
        double current = rate;
        double next = nextRate(current, p95Nanos, s);
        if (next == current) {
            raiseStreak = 0; // in the band (or at a bound): the rate is where it should be
            return;
        }
        if (next > current && stale && lastChangeRaised) {
            return; // the last raise has not shown yet; the streak goes on
        }
        if (next < current && draining(current, completedPerSecond, p95Nanos, s)) {
            held.incrementAndGet(); // the last cuts are taking effect: another one now would over-correct
            raiseStreak = 0;
            return;
        }
        if (next > current) {
            next = clamp(current * raiseFactor(raiseStreak, s), s);
            raiseStreak++;
        } else {
            raiseStreak = 0;
        }
        LimitListener.Reason reason = next < current ? LimitListener.Reason.LATENCY_HIGH
                : LimitListener.Reason.LATENCY_LOW;
        apply(next, s, nowNanos);
        (next < current ? lowered : raised).incrementAndGet();
        listener.limitChanged(current, next, reason, p95Nanos, nowNanos);
    }

    /**
     * Multiplicative probing: the first raise is the rule's {@code increase.step}; each further raise
     * in an unbroken run of below-band windows doubles the step, up to doubling the rate. A run of
     * raises that all left the P95 below the band is evidence that the rate is far below what the
     * target allows (a fresh start, a capacity that came back, a cut made on noise), and +5 % steps
     * took tens of seconds to climb back. The run ends at the first window in the band or above it, so
     * near the operating point every raise is the plain step; an overshoot is caught by the first
     * window above the band, and meanwhile the in-flight cap bounds the backlog it can build.
     *
     * @param streak raises in the run so far
     * @param s      the settings
     * @return the factor to apply to the rate
     */
    static double raiseFactor(int streak, AdaptiveRateSettings s) {
        double step = s.increaseStep() * (1L << Math.min(streak, 30));
        return 1.0 + Math.max(s.increaseStep(), Math.min(1.0, step));
    }

    /**
     * Whether a cut should wait because the previous ones already took effect: latency lags the rate
     * by the latency itself, so for a while after the rate fell below capacity every window is still
     * above target while the queue drains. Once the rate is below what the server completed in the
     * window (its capacity while it queues) by a full decrease step, or by enough to drain the P95's
     * excess over the target within {@link #DRAIN_NANOS} (at most half), another cut would only
     * overshoot below capacity (the old controller fell to 122/s
     * after a drop to 400/s and took tens of seconds to climb back).
     *
     * @param rate               the current rate
     * @param completedPerSecond the calls completed per second during the window
     * @param s                  the settings
     * @return whether to hold the cut
     */
    static boolean draining(double rate, double completedPerSecond, long p95Nanos, AdaptiveRateSettings s) {
        double excess = (p95Nanos - s.targetP95Nanos()) / (double) DRAIN_NANOS;
        return rate <= completedPerSecond * (1.0 - Math.min(0.5, Math.max(s.decreaseStep(), excess)));
    }

    /**
     * The rule itself, a pure function.
     *
     * @param current  the current rate
     * @param p95Nanos the window's P95
     * @param s        the settings
     * @return the next rate, within the bounds
     */
    static double nextRate(double current, long p95Nanos, AdaptiveRateSettings s) {
        double target = s.targetP95Nanos();
        double next = current;
        if (p95Nanos > target * s.decreaseAbove()) {
            next = current * (1.0 - s.decreaseStep());
        } else if (p95Nanos < target * s.increaseBelow()) {
            next = current * (1.0 + s.increaseStep());
        }
        return clamp(next, s);
    }

    /**
     * Takes a new configuration: the current rate is kept, moved into the new bounds if needed.
     *
     * @param newSettings the configuration
     * @param nowNanos    the current time
     */
    public void reconfigure(AdaptiveRateSettings newSettings, long nowNanos) {
        while (!adjusting.compareAndSet(false, true)) {
            Thread.onSpinWait(); // configuration thread only; an adjustment takes microseconds
        }
        try {
            settings = newSettings;
            double current = rate;
            double next = clamp(current, newSettings);
            apply(next, newSettings, nowNanos);
            if (next != current) {
                window.clearOpen(); // samples of the old rate
                listener.limitChanged(current, next, LimitListener.Reason.CONFIGURED, -1, nowNanos);
            }
        } finally {
            adjusting.set(false);
        }
    }

    private void apply(double next, AdaptiveRateSettings s, long nowNanos) {
        if (next != rate) {
            lastChangeNanos = nowNanos;
            lastChangeRaised = next > rate;
        }
        rate = next;
        int cap = s.inflightLimitAt(next);
        if (cap != inflightLimit) {
            inflightLimit = cap;
            inflight.setLimit(cap);
        }
        bucket.setLimits(next, s.burstAt(next), nowNanos);
        bucket.setMaxPermitsPerCall(s.permitsPerCall(), nowNanos);
    }

    /** @return the configuration in force */
    public AdaptiveRateSettings settings() {
        return settings;
    }

    /** @return the current rate in permits per second */
    public double rate() {
        return rate;
    }

    /** @return the P95 of the last closed window in nanoseconds, or -1 before the first */
    public long lastP95Nanos() {
        return lastP95Nanos;
    }

    /** @return how often the controller raised the rate */
    public long raised() {
        return raised.get();
    }

    /** @return how often the controller lowered the rate */
    public long lowered() {
        return lowered.get();
    }

    /** @return how often a cut was held because the queue was already draining */
    public long held() {
        return held.get();
    }

    /** @return windows evaluated so far */
    public long windowsClosed() {
        return windowsClosed.get();
    }

    /** @return samples in the window being filled */
    public int windowFill() {
        return (int) window.count();
    }

    private static double clamp(double value, AdaptiveRateSettings s) {
        return Math.max(s.minRate(), Math.min(s.maxRate(), value));
    }
}
