package io.dwcp.resilience.api;

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
}
