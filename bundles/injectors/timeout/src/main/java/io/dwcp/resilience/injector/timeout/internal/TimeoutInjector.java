package io.dwcp.resilience.injector.timeout.internal;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.injector.support.internal.Sleeper;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Makes a call overrun its deadline: holds it until the deadline passes (or for the configured
 * maximum when the deadline is absent or further away) and then fails it with
 * {@link DeadlineExceededException}, without running the rest of the chain. The kill switch
 * releases every held call, which then proceeds normally.
 */
final class TimeoutInjector {

    static final String NAME = "timeout";

    private final Sleeper sleeper;
    private volatile TimeoutSettings settings;
    private final AtomicInteger holding = new AtomicInteger();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder released = new LongAdder();

    TimeoutInjector(Sleeper sleeper, TimeoutSettings settings) {
        this.sleeper = sleeper;
        this.settings = settings;
    }

    void update(TimeoutSettings next) {
        settings = next;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
        long hold = Math.min(Math.max(0, remaining), settings.maxHoldNanos());
        holding.incrementAndGet();
        boolean heldOut;
        try {
            heldOut = sleeper.sleepNanos(hold);
        } finally {
            holding.decrementAndGet();
        }
        if (!heldOut) {
            released.increment();
            return next.proceed(inv);
        }
        timedOut.increment();
        boolean reachedDeadline = hold == Math.max(0, remaining);
        throw new DeadlineExceededException(inv.operation(), -1, "chaos injector '" + NAME + "' held the call "
                + hold / 1_000_000 + " ms" + (reachedDeadline ? " until its deadline" : " (max.hold.ms)"));
    }

    void revert() {
        sleeper.wakeAll();
    }

    int holding() {
        return holding.get();
    }

    long timedOut() {
        return timedOut.sum();
    }

    long released() {
        return released.sum();
    }
}
