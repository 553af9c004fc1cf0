package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RevertibleWaitsTest {

    @Test
    void onAManualClockAWaitMovesTheClockInsteadOfSleeping() throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        RevertibleWaits waits = new RevertibleWaits();
        assertTrue(waits.sleep(clock, 0));
        assertTrue(waits.sleep(clock, -5));
        assertTrue(waits.sleep(clock, TimeUnit.HOURS.toNanos(1)));
        assertEquals(TimeUnit.HOURS.toNanos(1), clock.nanoTime());
        assertEquals(0, waits.waiting());
    }

    @Test
    void anInterruptFromSomeoneElseIsNotMistakenForTheKillSwitch() {
        RevertibleWaits waits = new RevertibleWaits();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> waits.sleep(new ManualTimeSource(), 1_000));
        assertFalse(Thread.interrupted());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fail, never hang the build
    void wakeAllEndsEveryWaitInProgressAndLeavesNoInterruptBehind() throws Exception {
        RevertibleWaits waits = new RevertibleWaits();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch started = new CountDownLatch(3);
            Future<?>[] ends = new Future<?>[3];
            for (int i = 0; i < 3; i++) {
                ends[i] = pool.submit(() -> {
                    started.countDown();
                    boolean whole = waits.sleep(TimeSource.SYSTEM, TimeUnit.HOURS.toNanos(1));
                    return whole + " " + Thread.currentThread().isInterrupted();
                });
            }
            assertTrue(started.await(1, TimeUnit.MINUTES), "the waiting threads did not start");
            // A wait not yet registered would miss this wakeAll: repeat until all end. The waits last
            // an hour: a wakeAll that wakes nobody fails at the deadline.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            for (int i = 0; i < 3; i++) {
                while (!ends[i].isDone()) {
                    assertTrue(System.nanoTime() < deadline, "wakeAll did not end wait " + i + " within a minute");
                    waits.wakeAll();
                    Thread.onSpinWait();
                }
                assertEquals("false false", ends[i].get(1, TimeUnit.MINUTES), "woken early, interrupt flag clear");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
