package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocks a caller until an instant of a {@link TimeSource}: the one place a rate limiter waits, so
 * tests can replace it with one that advances a fake clock.
 */
@FunctionalInterface
public interface Waiter {

    /**
     * Parks the thread until {@code clock} reads at least {@code untilNanos}.
     *
     * <p>The real clock bounds the wait as well: with a clock that does not move on its own (a
     * test's manual clock inside a container), the caller still wakes after the same span of
     * real time instead of hanging.
     */
    Waiter PARKING = (clock, untilNanos) -> {
        long realStart = System.nanoTime();
        long span = untilNanos - clock.nanoTime();
        for (;;) {
            long remaining = untilNanos - clock.nanoTime();
            long realRemaining = span - (System.nanoTime() - realStart);
            if (remaining <= 0 || realRemaining <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(remaining, realRemaining));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a rate-limit permit");
            }
        }
    };

    /**
     * @param clock      the clock the instant belongs to
     * @param untilNanos the instant
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    void awaitUntil(TimeSource clock, long untilNanos) throws InterruptedException;
}
