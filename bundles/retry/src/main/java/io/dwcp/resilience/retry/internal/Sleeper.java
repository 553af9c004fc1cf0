package io.dwcp.resilience.retry.internal;

import java.util.concurrent.TimeUnit;

/**
 * Waits between attempts. Injectable so that tests move a fake clock instead of sleeping.
 */
@FunctionalInterface
interface Sleeper {

    /** Sleeps on the calling thread; interruptible. */
    Sleeper THREAD = TimeUnit.NANOSECONDS::sleep;

    /**
     * Blocks for {@code nanos}.
     *
     * @param nanos how long, positive
     * @throws InterruptedException when the thread is interrupted while waiting (the interrupt
     *         flag is then cleared, as for {@link Thread#sleep})
     */
    void sleep(long nanos) throws InterruptedException;
}
