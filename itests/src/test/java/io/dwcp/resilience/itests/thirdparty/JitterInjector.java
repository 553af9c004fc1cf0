package io.dwcp.resilience.itests.thirdparty;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * A third party's injector, written against the published API alone (the worked example of
 * docs/chaos.md). ChaosIT packs it into a bundle of its own with TinyBundles; it never runs from the
 * test probe. It leaves the delay it added on the invocation, so a test can see it ran.
 */
@Component(service = FaultInjector.class, property = FaultInjector.NAME + "=" + JitterInjector.NAME)
public class JitterInjector implements FaultInjector {

    public static final String NAME = "jitter";
    /** Invocation attribute: the jitter added to this call, nanoseconds. */
    public static final String ATTRIBUTE = "com.example.jitter.nanos";
    /** System property counting reverts, the one trace that outlives the bundle. */
    public static final String REVERTS = "com.example.jitter.reverts";

    private final Object lock = new Object();
    private long generation; // guarded by lock; revert bumps it so waits end at once

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) throws Exception {
        long delay = TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(3));
        long left = inv.remainingNanos(inv.timeSource().nanoTime());
        boolean pastDeadline = delay >= left;
        if (pause(pastDeadline ? Math.max(0, left) : delay) && pastDeadline) {
            throw new DeadlineExceededException(inv.operation(), -1, "jitter reached the deadline");
        }
        inv.setAttribute(ATTRIBUTE, delay);
        return next.proceed(inv);
    }

    /** @return true when the whole time passed, false when revert() ended it */
    private boolean pause(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        synchronized (lock) {
            long mine = generation;
            for (long rest = nanos; rest > 0; rest = end - System.nanoTime()) {
                if (generation != mine) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, rest);
            }
            return generation == mine;
        }
    }

    @Override
    @Deactivate
    public void revert() {
        synchronized (lock) {
            generation++;
            lock.notifyAll();
        }
        System.setProperty(REVERTS, Integer.toString(Integer.getInteger(REVERTS, 0) + 1));
    }
}
