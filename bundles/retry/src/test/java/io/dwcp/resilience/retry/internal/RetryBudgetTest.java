package io.dwcp.resilience.retry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.testkit.Hammer;
import io.dwcp.resilience.testkit.OtherThread;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private static final long S = 1_000_000_000L;

    @Test
    void aQuietOperationGetsItsMinimumRetriesPerSecond() {
        RetryBudget budget = new RetryBudget(0.2, 3, 10 * S);
        int granted = 0;
        while (budget.tryAcquireRetry(0)) {
            granted++;
        }
        assertEquals(30, granted, "3 per second over a 10 s window");
    }

    @Test
    void retriesAreCappedAtTheRatioOfCallsPlusTheReserve() {
        RetryBudget budget = new RetryBudget(0.2, 0, 10 * S);
        for (int i = 0; i < 1_000; i++) {
            budget.recordCall(i * 1_000_000L);
        }
        int granted = 0;
        while (budget.tryAcquireRetry(S)) {
            granted++;
        }
        assertEquals(200, granted);
        assertEquals(200, budget.retriesInWindow(S));
        assertEquals(1_000, budget.callsInWindow(S));
    }

    @Test
    void oldCallsAndRetriesLeaveTheWindow() {
        RetryBudget budget = new RetryBudget(0.5, 0, 10 * S);
        for (int i = 0; i < 10; i++) {
            budget.recordCall(0);
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(budget.tryAcquireRetry(0));
        }
        assertFalse(budget.tryAcquireRetry(5 * S), "still in the window");
        assertEquals(10, budget.callsInWindow(9 * S));
        assertEquals(0, budget.callsInWindow(10 * S), "the bucket of time 0 has left the window");
        assertEquals(0, budget.retriesInWindow(10 * S));
        assertFalse(budget.tryAcquireRetry(10 * S), "no calls, no reserve: nothing to retry");
        budget.recordCall(10 * S);
        budget.recordCall(10 * S);
        assertTrue(budget.tryAcquireRetry(10 * S));
        assertFalse(budget.tryAcquireRetry(10 * S));
    }

    @Test
    void theWindowSlidesOneBucketAtATime() {
        RetryBudget budget = new RetryBudget(1.0, 0, 10 * S);
        budget.recordCall(0);
        budget.recordCall(S);
        assertEquals(2, budget.callsInWindow(9 * S + S / 2));
        assertEquals(1, budget.callsInWindow(10 * S), "bucket 0 left, bucket 1 remains");
        assertEquals(0, budget.callsInWindow(11 * S));
    }

    @Test
    void aNegativeClockWorksLikeAnyOther() {
        RetryBudget budget = new RetryBudget(1.0, 0, 10 * S);
        long t = -123 * S - 7;
        budget.recordCall(t);
        assertTrue(budget.tryAcquireRetry(t));
        assertFalse(budget.tryAcquireRetry(t));
        assertEquals(1, budget.callsInWindow(t + 5 * S));
    }

    @Test
    void concurrentRequestsNeverGetMoreThanTheBudget() throws Exception {
        RetryBudget budget = new RetryBudget(0.2, 0, 10 * S);
        for (int i = 0; i < 500; i++) {
            budget.recordCall(0);
        }
        int threads = 8;
        AtomicInteger granted = new AtomicInteger();
        Hammer.together(threads, thread -> {
            for (int i = 0; i < 1_000; i++) {
                budget.recordCall(1);
                if (budget.tryAcquireRetry(1)) {
                    granted.incrementAndGet();
                }
            }
        });
        long calls = budget.callsInWindow(1);
        assertEquals(500 + threads * 1_000, calls, "no call lost under contention");
        assertTrue(granted.get() <= budget.allowance(calls), granted + " > " + budget.allowance(calls));
        assertEquals(granted.get(), budget.retriesInWindow(1));
    }

    /**
     * A row has one writer: a thread counting on a row a live thread owns counts on the shared row;
     * once the owner has ended, the row is taken over. No call is lost either way.
     */
    @Test
    void aRowOwnedByALiveThreadIsNotWrittenByAnotherAndAnEndedOwnersRowIsTakenOver() throws Exception {
        RetryBudget budget = new RetryBudget(0.2, 0, 10 * S);
        try (OtherThread owner = OtherThread.after(() -> budget.recordCallOn(2, 1))) {
            for (int i = 0; i < 5_000; i++) {
                budget.recordCallOn(2, 1); // the owner lives: these go to the shared row
            }
            assertEquals(5_001, budget.callsInWindow(1));
        }
        for (int i = 0; i < 5_000; i++) {
            budget.recordCallOn(2, 1); // within 1024 calls this thread takes the ended owner's row over
        }
        assertEquals(10_001, budget.callsInWindow(1), "no call lost across the take-over");
        assertTrue(budget.ownsRow(2), "the ended owner's row was taken over");
    }
}
