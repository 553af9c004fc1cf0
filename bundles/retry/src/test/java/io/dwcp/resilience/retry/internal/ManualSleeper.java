package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;

/** Sleeps by moving a fake clock, and remembers every wait. */
final class ManualSleeper implements Sleeper {

    final ManualTimeSource clock;
    final List<Long> sleeps = new ArrayList<>();
    /** When set, the next sleep throws this instead of waiting. */
    InterruptedException interruptNext;

    ManualSleeper(ManualTimeSource clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (interruptNext != null) {
            InterruptedException e = interruptNext;
            interruptNext = null;
            throw e;
        }
        sleeps.add(nanos);
        clock.advanceNanos(nanos);
    }

    long total() {
        return sleeps.stream().mapToLong(Long::longValue).sum();
    }
}
