package io.dwcp.resilience.api;

/**
 * Waits bounded by a call's deadline, on the call's clock: what a backoff, a wait for a permit or
 * injected latency uses, so that no stage sleeps past its caller's deadline nor on a clock that
 * tests cannot control.
 *
 * @since 1.2
 */
public final class Waits {

    private Waits() {
    }

    /**
     * Waits {@code nanos} on the invocation's {@linkplain Invocation#timeSource() clock}, but not past
     * its {@linkplain Invocation#deadlineNanos() deadline}.
     *
     * @param inv   the call
     * @param nanos how long; nothing happens when not positive
     * @return {@code true} when the whole span passed, {@code false} when the deadline came first
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public static boolean sleep(Invocation inv, long nanos) throws InterruptedException {
        return sleep(inv.timeSource(), nanos, inv.deadlineNanos());
    }

    /**
     * Waits {@code nanos} on {@code clock}, but not past {@code deadlineNanos}.
     *
     * @param clock         the clock to wait on
     * @param nanos         how long; nothing happens when not positive
     * @param deadlineNanos the latest instant to wait until, or {@link Invocation#NO_DEADLINE}
     * @return {@code true} when the whole span passed, {@code false} when the deadline came first
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public static boolean sleep(TimeSource clock, long nanos, long deadlineNanos) throws InterruptedException {
        if (nanos <= 0) {
            return true;
        }
        long until = Invocation.deadlineAfter(clock.nanoTime(), nanos);
        if (until <= deadlineNanos) {
            clock.sleepUntil(until);
            return true;
        }
        clock.sleepUntil(deadlineNanos);
        return false;
    }
}
