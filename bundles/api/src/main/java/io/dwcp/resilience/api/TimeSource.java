package io.dwcp.resilience.api;

import java.util.concurrent.locks.LockSupport;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The one clock of the layer. Every time-based behaviour reads it, so a test can replace it with a
 * {@link ManualTimeSource} and never sleep.
 *
 * <p>The manager uses a {@code TimeSource} service when one is registered (the highest ranking
 * wins) and {@link #SYSTEM} otherwise, and hands it to every stage through
 * {@link Invocation#timeSource()}.
 */
@ConsumerType
public interface TimeSource {

    /** The JVM's clocks. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return "TimeSource.SYSTEM";
        }
    };

    /** @return a monotonic reading in nanoseconds, as {@link System#nanoTime()} */
    long nanoTime();

    /** @return wall-clock milliseconds since the epoch, as {@link System#currentTimeMillis()} */
    long currentTimeMillis();

    /**
     * Blocks the calling thread until {@link #nanoTime()} reads at least {@code untilNanos}: the one
     * way a stage or injector waits, so that a test clock decides how long a wait takes.
     *
     * <p>This default parks in real time, re-reading this clock, and never waits longer in real
     * time than the span it was asked for (a clock that does not move on its own cannot hang a
     * caller). {@link ManualTimeSource} moves itself to {@code untilNanos} instead of blocking.
     * Use {@link Waits} to bound a wait by a call's deadline.
     *
     * @param untilNanos the instant to wait for, in this clock's nanoseconds; nothing happens when
     *                   it has passed
     * @throws InterruptedException when the thread is interrupted while it waits (the flag is then
     *                              cleared, as by {@link Thread#sleep})
     * @since 1.2
     */
    default void sleepUntil(long untilNanos) throws InterruptedException {
        long span = untilNanos - nanoTime();
        long realStart = System.nanoTime();
        while (span > 0) {
            long remaining = untilNanos - nanoTime();
            long realRemaining = span - (System.nanoTime() - realStart);
            if (remaining <= 0 || realRemaining <= 0) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(remaining, realRemaining));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting");
            }
        }
    }
}
