package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.testkit.TestInvocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.Next;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ManualTimeSource clock = new ManualTimeSource();
    private final ManualSleeper sleeper = new ManualSleeper(clock);
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static RetrySettings settings(Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("dwcp.operation", "send");
        properties.put("jitter", "none");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return RetrySettings.from("dwcp.retry~send", properties);
    }

    private Retrier retrier(RetrySettings settings) {
        return new Retrier("send", settings, sleeper, () -> 0.5, listener);
    }

    /** A chain end that fails {@code failures} times with what the supplier gives, then returns "ok". */
    private static Next<String> failing(int failures, List<Exception> thrown, java.util.function.Supplier<Exception> failure) {
        AtomicInteger calls = new AtomicInteger();
        return inv -> {
            if (calls.incrementAndGet() <= failures) {
                Exception e = failure.get();
                thrown.add(e);
                throw e;
            }
            return "ok";
        };
    }

    @Test
    void aSuccessfulFirstAttemptIsNeitherRetriedNorDelayed() throws Exception {
        Retrier retrier = retrier(settings());
        TestInvocation inv = new TestInvocation("send", clock);

        assertEquals("ok", retrier.execute(inv, i -> "ok"));

        assertEquals(List.of(), sleeper.sleeps);
        assertEquals(1, inv.attempt());
        assertEquals(1, retrier.metrics().successfulCallsWithoutRetryAttempt.sum());
        assertEquals(0, retrier.metrics().retryAttempts.sum());
    }

    @Test
    void retriesWithExponentialBackoffUntilTheCallSucceeds() throws Exception {
        Retrier retrier = retrier(settings());
        TestInvocation inv = new TestInvocation("send", clock);
        List<Integer> attemptsSeen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();

        String result = retrier.execute(inv, i -> {
            attemptsSeen.add(i.attempt());
            if (calls.incrementAndGet() < 3) {
                throw new IOException("link down");
            }
            return "ok";
        });

        assertEquals("ok", result);
        assertEquals(List.of(1, 2, 3), attemptsSeen);
        assertEquals(List.of(100 * MS, 200 * MS), sleeper.sleeps);
        assertEquals(List.of(2, 3), listener.retryAttempts);
        assertEquals(1, retrier.metrics().successfulCallsWithRetryAttempt.sum());
        assertEquals(2, retrier.metrics().retryAttempts.sum());
    }

    @Test
    void afterTheLastRetryTheLastFailureIsThrown() {
        Retrier retrier = retrier(settings());
        List<Exception> thrown = new ArrayList<>();

        Exception e = assertThrows(IOException.class,
                () -> retrier.execute(new TestInvocation("send", clock), failing(100, thrown, () -> new IOException("down"))));

        assertEquals(4, thrown.size(), "1 attempt + 3 retries");
        assertSame(thrown.get(3), e);
        assertEquals(List.of(100 * MS, 200 * MS, 400 * MS), sleeper.sleeps);
        assertEquals(List.of(GiveUpReason.EXHAUSTED), listener.giveUps);
        assertEquals(1, retrier.metrics().failedCallsWithRetryAttempt.sum());
    }

    @Test
    void aRejectionByAnOuterStageIsNeverRetried() {
        Retrier retrier = retrier(settings("retry.exceptions", "java.lang.RuntimeException"));
        List<Exception> thrown = new ArrayList<>();

        assertThrows(CallNotPermittedException.class, () -> retrier.execute(new TestInvocation("send", clock),
                failing(100, thrown, () -> new CallNotPermittedException("send", "OPEN", ""))));

        assertEquals(1, thrown.size());
        assertEquals(List.of(), sleeper.sleeps);
        assertEquals(1, retrier.metrics().failedCallsWithoutRetryAttempt.sum());
    }

    @Test
    void aDeadlineExceededFromAnInnerTimeoutIsRetried() throws Exception {
        Retrier retrier = retrier(settings());
        List<Exception> thrown = new ArrayList<>();

        assertEquals("ok", retrier.execute(new TestInvocation("send", clock),
                failing(1, thrown, () -> new DeadlineExceededException("send", 5 * MS, ""))));
        assertEquals(1, thrown.size());
    }

    @Test
    void onlyListedExceptionsAreRetriedAndTheIgnoreListWins() throws Exception {
        // IOException listed; ConnectException is a subclass of it but ignored.
        Retrier retrier = retrier(settings("retry.exceptions", "java.io.IOException",
                "ignore.exceptions", "java.net.ConnectException"));
        List<Exception> thrown = new ArrayList<>();

        assertEquals("ok", retrier.execute(new TestInvocation("send", clock),
                failing(1, thrown, () -> new java.io.EOFException())), "subclass of a listed class is retried");
        assertThrows(ConnectException.class, () -> retrier.execute(new TestInvocation("send", clock),
                failing(1, thrown, () -> new ConnectException())));
        assertThrows(IllegalStateException.class, () -> retrier.execute(new TestInvocation("send", clock),
                failing(1, thrown, () -> new IllegalStateException())));
        assertEquals(3, thrown.size());
    }

    @Test
    void anExceptionMatchesByAnInterfaceItImplements() throws Exception {
        Retrier retrier = retrier(settings("retry.exceptions", Marker.class.getName()));
        List<Exception> thrown = new ArrayList<>();

        assertEquals("ok", retrier.execute(new TestInvocation("send", clock), failing(2, thrown, MarkedException::new)));
        assertEquals(2, thrown.size());
    }

    interface Marker {
    }

    static final class MarkedException extends RuntimeException implements Marker {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void anInterruptedExceptionFromTheCallIsNotRetried() {
        Retrier retrier = retrier(settings());
        List<Exception> thrown = new ArrayList<>();

        assertThrows(InterruptedException.class, () -> retrier.execute(new TestInvocation("send", clock),
                failing(5, thrown, InterruptedException::new)));
        assertEquals(1, thrown.size());
    }

    @Test
    void givesUpEarlyRatherThanSleepPastTheDeadline() {
        Retrier retrier = retrier(settings());
        // Delays would be 100, 200, 400 ms; the deadline is 250 ms away: the second wait would end after it.
        TestInvocation inv = new TestInvocation("send", clock, clock.nanoTime() + 250 * MS);
        List<Exception> thrown = new ArrayList<>();

        Exception e = assertThrows(IOException.class, () -> retrier.execute(inv, failing(100, thrown, IOException::new)));

        assertSame(thrown.get(thrown.size() - 1), e);
        assertEquals(List.of(100 * MS), sleeper.sleeps);
        assertEquals(2, thrown.size());
        assertEquals(List.of(GiveUpReason.DEADLINE), listener.giveUps);
        assertTrue(clock.nanoTime() < inv.deadlineNanos());
        assertEquals(1, retrier.metrics().retriesAbandonedAtDeadline.sum());
    }

    @Test
    void aPassedDeadlineStopsRetryingAtOnce() {
        Retrier retrier = retrier(settings("backoff", "fixed", "initial.delay.ms", "0"));
        TestInvocation inv = new TestInvocation("send", clock, clock.nanoTime() + 10 * MS);
        List<Exception> thrown = new ArrayList<>();

        assertThrows(IOException.class, () -> retrier.execute(inv, i -> {
            clock.advanceNanos(10 * MS);
            thrown.add(new IOException());
            throw thrown.get(thrown.size() - 1);
        }));
        assertEquals(1, thrown.size());
    }

    @Test
    void anInterruptDuringTheWaitStopsRetryingAndRestoresTheFlag() {
        Retrier retrier = retrier(settings());
        sleeper.interruptNext = new InterruptedException("stop");
        List<Exception> thrown = new ArrayList<>();

        IOException e = assertThrows(IOException.class,
                () -> retrier.execute(new TestInvocation("send", clock), failing(100, thrown, IOException::new)));

        assertTrue(Thread.currentThread().isInterrupted());
        assertEquals(1, thrown.size());
        assertInstanceOf(InterruptedException.class, e.getSuppressed()[0]);
        assertEquals(List.of(GiveUpReason.INTERRUPTED), listener.giveUps);
    }

    @Test
    void anAlreadyInterruptedThreadIsNotRetried() {
        Retrier retrier = retrier(settings());
        List<Exception> thrown = new ArrayList<>();
        Thread.currentThread().interrupt();

        assertThrows(IOException.class,
                () -> retrier.execute(new TestInvocation("send", clock), failing(100, thrown, IOException::new)));

        assertTrue(Thread.currentThread().isInterrupted(), "the flag is left set");
        assertEquals(1, thrown.size());
        assertEquals(List.of(), sleeper.sleeps);
    }

    @Test
    void resultRulesRetryAndTheLastResultIsReturnedWhenRetriesRunOut() throws Exception {
        Retrier retrier = retrier(settings("retry.on.results", "null, equals:BUSY", "max.retries", "2"));
        AtomicInteger calls = new AtomicInteger();

        assertEquals("done", retrier.execute(new TestInvocation("send", clock),
                i -> calls.incrementAndGet() == 1 ? null : calls.get() == 2 ? "BUSY" : "done"));
        assertEquals(3, calls.get());

        assertEquals("BUSY", retrier.execute(new TestInvocation("send", clock), i -> "BUSY"));
        assertEquals(1, retrier.metrics().failedCallsWithRetryAttempt.sum());
    }

    @Test
    void aResultPredicateServiceCanAskForARetryAndAThrowingOneIsIgnored() throws Exception {
        Retrier retrier = retrier(settings());
        AtomicInteger calls = new AtomicInteger();
        retrier.setResultPredicate(result -> ((Integer) result) < 3);

        Integer first = retrier.execute(new TestInvocation("send", clock), i -> calls.incrementAndGet());
        assertEquals(3, first);

        retrier.setResultPredicate(result -> {
            throw new IllegalStateException("broken predicate");
        });
        Integer second = retrier.execute(new TestInvocation("send", clock), i -> calls.incrementAndGet());
        assertEquals(4, second);
        assertEquals(1, listener.predicateFailures.size());
    }

    @Test
    void theBudgetDeniesRetriesItHasNoRoomFor() {
        Retrier retrier = retrier(settings("budget.ratio", "0", "budget.min.retries.per.second", "0"));
        List<Exception> thrown = new ArrayList<>();

        assertThrows(IOException.class,
                () -> retrier.execute(new TestInvocation("send", clock), failing(100, thrown, IOException::new)));

        assertEquals(1, thrown.size());
        assertEquals(List.of(GiveUpReason.BUDGET), listener.giveUps);
        assertEquals(1, retrier.metrics().retriesDeniedByBudget.sum());
        assertEquals(1, retrier.metrics().failedCallsWithoutRetryAttempt.sum());
    }

    @Test
    void theBudgetCapsRetriesAcrossCallsAtTheRatioPlusTheReserve() throws Exception {
        // 20% of calls, 3 retries/s over 10 s = 30 spare retries.
        Retrier retrier = retrier(settings("backoff", "fixed", "initial.delay.ms", "0"));
        for (int i = 0; i < 100; i++) {
            retrier.execute(new TestInvocation("send", clock), inv -> "ok");
        }
        int retried = 0;
        for (int i = 0; i < 100; i++) {
            AtomicInteger calls = new AtomicInteger();
            try {
                retrier.execute(new TestInvocation("send", clock), inv -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IOException();
                    }
                    return "ok";
                });
            } catch (IOException denied) {
                // no retry left
            }
            retried += calls.get() - 1;
        }
        // 200 calls: floor(0.2 x 200 + 30) = 70 retries.
        assertEquals(70, retried);
        assertEquals(30, retrier.metrics().retriesDeniedByBudget.sum());
    }

    @Test
    void reconfigurationKeepsTheBudgetWindowWhenTheBudgetDidNotChange() {
        RetrySettings first = settings();
        Retrier retrier = retrier(first);
        RetryBudget budget = retrier.budget();

        retrier.reconfigure(settings("max.retries", "5"));
        assertSame(budget, retrier.budget());

        retrier.reconfigure(settings("budget.ratio", "0.5"));
        assertFalse(budget == retrier.budget());

        retrier.reconfigure(settings("budget.enabled", "false"));
        assertNull(retrier.budget());
    }

    @Test
    void proportionalJitterUsesTheInjectedRandomness() throws Exception {
        RetrySettings s = settings("jitter", "proportional", "jitter.factor", "0.1", "max.retries", "2");
        double[] randoms = {0.0, 0.999999};
        AtomicInteger next = new AtomicInteger();
        Retrier retrier = new Retrier("send", s, sleeper, () -> randoms[next.getAndIncrement()], listener);

        retrier.execute(new TestInvocation("send", clock), failing(2, new ArrayList<>(), IOException::new));

        assertEquals(90 * MS, sleeper.sleeps.get(0), "100 ms - 10%");
        assertEquals(220 * MS, sleeper.sleeps.get(1), 1000, "200 ms + 10%");
    }

    @Test
    void errorsAreNotCaught() {
        Retrier retrier = retrier(settings());
        AtomicInteger calls = new AtomicInteger();
        assertThrows(AssertionError.class, () -> retrier.execute(new TestInvocation("send", clock), i -> {
            calls.incrementAndGet();
            throw new AssertionError("bug");
        }));
        assertEquals(1, calls.get());
    }

    @Test
    void timeoutExceptionIsRetriedByDefault() throws Exception {
        Retrier retrier = retrier(settings());
        assertEquals("ok", retrier.execute(new TestInvocation("send", clock),
                failing(3, new ArrayList<>(), TimeoutException::new)));
    }
}
