package io.dwcp.resilience.injector.support.internal;

/**
 * How an injector waits. Real waits can be cut short by the kill switch; tests substitute a fake
 * that advances a {@link io.dwcp.resilience.api.ManualTimeSource} instead of sleeping.
 */
public interface Sleeper {

    /**
     * Waits for {@code nanos}, or less if {@link #wakeAll()} is called meanwhile.
     *
     * @param nanos how long; nothing happens when not positive
     * @return {@code true} when the whole time passed, {@code false} when woken early
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean sleepNanos(long nanos) throws InterruptedException;

    /** Ends every wait in progress at once: the kill switch. */
    void wakeAll();
}
