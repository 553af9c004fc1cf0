package io.dwcp.resilience.bulkhead.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for another thread to reach a state (e.g. "blocked in the queue"). Not a timing assertion:
 * the cap only turns a broken test into a failure instead of a hang.
 */
final class Await {

    private static final long CAP_NANOS = TimeUnit.SECONDS.toNanos(20);

    private Await() {
    }

    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + CAP_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("never happened: " + what);
            }
            Thread.yield();
        }
    }

    static void threadBlocked(Thread thread) {
        until(() -> {
            Thread.State state = thread.getState();
            return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
        }, thread.getName() + " blocks");
    }
}
