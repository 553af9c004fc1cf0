package io.dwcp.resilience.kit.latency;

import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A percentile of recent latencies, for a stage that adapts to them (an adaptive timeout, a hedge
 * delay): an HdrHistogram {@link Recorder} (wait-free, allocation-free recording) whose interval
 * histogram is read once per window by whichever caller first sees the window end. Until a window
 * with enough calls has completed, there is no percentile.
 *
 * @since 1.1
 */
public final class PercentileWindow {

    /** Microseconds, up to one day, two significant digits: about 25 KiB per histogram. */
    private static final long HIGHEST_MICROS = 86_400_000_000L;

    private final double percentile;
    private final long windowNanos;
    private final int minSamples;
    private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 2);
    private final AtomicBoolean rolling = new AtomicBoolean();
    private Histogram recycled;
    private volatile long windowEndNanos;
    private volatile long percentileNanos = -1;
    private volatile long windowCount;

    /**
     * @param percentile  e.g. 95.0
     * @param windowNanos how long each window lasts
     * @param minSamples  fewer calls than this in a window give no percentile (P95 of a handful of
     *                    calls is noise); the previous percentile stays
     * @param nowNanos    when the first window starts
     */
    public PercentileWindow(double percentile, long windowNanos, int minSamples, long nowNanos) {
        if (!(percentile > 0 && percentile <= 100) || windowNanos <= 0 || minSamples < 1) {
            throw new IllegalArgumentException("percentile " + percentile + " (0, 100], window " + windowNanos
                    + " ns > 0, min samples " + minSamples + " >= 1");
        }
        this.percentile = percentile;
        this.windowNanos = windowNanos;
        this.minSamples = minSamples;
        this.windowEndNanos = nowNanos + windowNanos;
    }

    /**
     * Records one latency, and closes the window when it has ended.
     *
     * @param latencyNanos the call's latency
     * @param nowNanos     the current time
     */
    public void record(long latencyNanos, long nowNanos) {
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1_000));
        recorder.recordValue(micros);
        if (nowNanos - windowEndNanos >= 0) {
            roll(nowNanos);
        }
    }

    private void roll(long nowNanos) {
        if (!rolling.compareAndSet(false, true)) {
            return; // another caller is closing this window
        }
        try {
            if (nowNanos - windowEndNanos < 0) {
                return; // closed already while we waited for the flag
            }
            Histogram interval = recorder.getIntervalHistogram(recycled);
            recycled = interval;
            long count = interval.getTotalCount();
            windowCount = count;
            if (count >= minSamples) {
                percentileNanos = interval.getValueAtPercentile(percentile) * 1_000;
            }
            windowEndNanos = nowNanos + windowNanos;
        } finally {
            rolling.set(false);
        }
    }

    /** @return the percentile of the last window with enough calls, in nanoseconds, or -1 when none has completed */
    public long percentileNanos() {
        return percentileNanos;
    }

    /** @return how many calls the last completed window held */
    public long lastWindowCount() {
        return windowCount;
    }
}
