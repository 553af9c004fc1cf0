package io.dwcp.resilience.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that moves only when told to: for tests of time-based behaviour without
 * sleeps. Both clocks advance together. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

    private final AtomicLong nanos;
    private final long epochMillisAtZero;

    /** A clock at nano time 0 and wall time 2026-01-01T00:00:00Z. */
    public ManualTimeSource() {
        this(0L, 1_767_225_600_000L);
    }

    /**
     * @param startNanos        the initial {@link #nanoTime()}
     * @param epochMillisAtZero the wall-clock time when {@link #nanoTime()} reads 0
     */
    public ManualTimeSource(long startNanos, long epochMillisAtZero) {
        this.nanos = new AtomicLong(startNanos);
        this.epochMillisAtZero = epochMillisAtZero;
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return epochMillisAtZero + Math.floorDiv(nanos.get(), 1_000_000L);
    }

    /**
     * A wait on a manual clock moves the clock: the waiting thread returns at once with the clock
     * at {@code untilNanos} (or later, if another thread moved it further), as in a discrete-event
     * simulation. So a test of a stage that waits (a backoff, a rate-limit permit, injected latency)
     * runs on one thread, never sleeps, and reads how long the stage waited off the clock.
     */
    @Override
    public void sleepUntil(long untilNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting");
        }
        nanos.accumulateAndGet(untilNanos, Math::max);
    }

    /**
     * @param delta how far to move; not negative
     * @return the new {@link #nanoTime()}
     */
    public long advance(Duration delta) {
        return advanceNanos(delta.toNanos());
    }

    /**
     * @param deltaNanos how far to move, in nanoseconds; not negative
     * @return the new {@link #nanoTime()}
     */
    public long advanceNanos(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("a clock does not run backwards: delta " + deltaNanos + " ns");
        }
        return nanos.addAndGet(deltaNanos);
    }
}
