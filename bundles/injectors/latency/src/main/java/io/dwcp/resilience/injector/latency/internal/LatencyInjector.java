package io.dwcp.resilience.injector.latency.internal;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.injector.support.internal.Sleeper;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Delays a call, then lets it proceed. A delay that would reach the call's deadline is cut to the
 * time left and the call then fails with {@link DeadlineExceededException}, as a call on a network
 * that slow would: the injector never sleeps past the deadline. The kill switch ({@link #revert()})
 * ends every delay in progress and those calls proceed at once.
 */
final class LatencyInjector {

    private final Sleeper sleeper;
    private final Supplier<RandomGenerator> random;
    private volatile LatencySettings settings;

    private final AtomicInteger delaying = new AtomicInteger();
    private final LongAdder delays = new LongAdder();
    private final LongAdder delayedNanos = new LongAdder();
    private final LongAdder deadlineHits = new LongAdder();
    private final LongAdder cutShort = new LongAdder();

    /**
     * @param sleeper  how to wait
     * @param random   the calling thread's random generator
     * @param settings the initial settings
     */
    LatencyInjector(Sleeper sleeper, Supplier<RandomGenerator> random, LatencySettings settings) {
        this.sleeper = sleeper;
        this.random = random;
        this.settings = settings;
    }

    void update(LatencySettings next) {
        settings = next;
    }

    LatencySettings settings() {
        return settings;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        LatencySettings s = settings;
        long delay = s.distribution().draw(s.minNanos(), s.maxNanos(), random.get());
        long remaining = inv.remainingNanos(inv.timeSource().nanoTime());
        boolean hitsDeadline = delay >= remaining;
        long sleep = hitsDeadline ? Math.max(0, remaining) : delay;
        delaying.incrementAndGet();
        boolean slept;
        try {
            slept = sleeper.sleepNanos(sleep);
        } finally {
            delaying.decrementAndGet();
        }
        delays.increment();
        delayedNanos.add(sleep);
        if (!slept) {
            cutShort.increment(); // reverted: the fault is over, the call goes on
            return next.proceed(inv);
        }
        if (hitsDeadline) {
            deadlineHits.increment();
            throw new DeadlineExceededException(inv.operation(), -1, "chaos injector 'latency' delayed the call "
                    + delay / 1_000_000 + " ms, past its deadline");
        }
        return next.proceed(inv);
    }

    /** Ends every delay in progress. */
    void revert() {
        sleeper.wakeAll();
    }

    int delaying() {
        return delaying.get();
    }

    long delays() {
        return delays.sum();
    }

    long delayedNanos() {
        return delayedNanos.sum();
    }

    long deadlineHits() {
        return deadlineHits.sum();
    }

    long cutShort() {
        return cutShort.sum();
    }
}
