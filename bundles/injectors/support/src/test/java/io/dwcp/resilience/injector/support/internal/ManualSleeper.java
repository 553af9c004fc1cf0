package io.dwcp.resilience.injector.support.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@link Sleeper} that advances a fake clock instead of waiting, and records what was asked. */
public final class ManualSleeper implements Sleeper {

    private final ManualTimeSource clock;
    /** Every requested sleep, in nanoseconds. */
    public final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());
    /** When set, the next sleep behaves as if the kill switch cut it short. */
    public volatile boolean wakeEarly;
    /** Times {@link #wakeAll()} was called. */
    public volatile int wakeups;

    public ManualSleeper(ManualTimeSource clock) {
        this.clock = clock;
    }

    @Override
    public boolean sleepNanos(long nanos) {
        sleeps.add(nanos);
        if (wakeEarly) {
            wakeEarly = false;
            return false;
        }
        if (nanos > 0) {
            clock.advanceNanos(nanos);
        }
        return true;
    }

    @Override
    public void wakeAll() {
        wakeups++;
    }
}
