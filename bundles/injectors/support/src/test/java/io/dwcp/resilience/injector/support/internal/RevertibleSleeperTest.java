package io.dwcp.resilience.injector.support.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RevertibleSleeperTest {

    @Test
    void aZeroOrNegativeSleepReturnsAtOnce() throws Exception {
        RevertibleSleeper sleeper = new RevertibleSleeper();
        assertTrue(sleeper.sleepNanos(0));
        assertTrue(sleeper.sleepNanos(-5));
        assertTrue(sleeper.sleepNanos(1_000));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fail, never hang the build
    void wakeAllEndsEveryWaitInProgress() throws Exception {
        RevertibleSleeper sleeper = new RevertibleSleeper();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch started = new CountDownLatch(3);
            Future<?>[] waits = new Future<?>[3];
            for (int i = 0; i < 3; i++) {
                waits[i] = pool.submit(() -> {
                    started.countDown();
                    return sleeper.sleepNanos(TimeUnit.HOURS.toNanos(1));
                });
            }
            assertTrue(started.await(1, TimeUnit.MINUTES), "the sleeping threads did not start");
            // A wait that has not reached the monitor yet would miss this wakeAll: repeat until all end.
            // The sleeps last an hour: a wakeAll that wakes nobody fails at the deadline.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            for (int i = 0; i < 3; i++) {
                while (!waits[i].isDone()) {
                    assertTrue(System.nanoTime() < deadline, "wakeAll did not end wait " + i + " within a minute");
                    sleeper.wakeAll();
                    Thread.onSpinWait();
                }
                assertEquals(false, waits[i].get(1, TimeUnit.MINUTES), "woken early, not slept out");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
