package io.dwcp.resilience.testkit;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;

/**
 * A {@link ManualTimeSource} that runs an action the moment a wait on it starts: to throw a kill
 * switch (an injector's {@code revert()}) while a call waits, on one thread and without sleeping.
 */
public final class HookedClock implements TimeSource {

    private final ManualTimeSource clock;
    private final Runnable onWait;

    /**
     * @param clock  the clock read and moved
     * @param onWait what to do when a wait starts, before the clock moves
     */
    public HookedClock(ManualTimeSource clock, Runnable onWait) {
        this.clock = clock;
        this.onWait = onWait;
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return clock.currentTimeMillis();
    }

    @Override
    public void sleepUntil(long untilNanos) throws InterruptedException {
        onWait.run();
        clock.sleepUntil(untilNanos);
    }
}
