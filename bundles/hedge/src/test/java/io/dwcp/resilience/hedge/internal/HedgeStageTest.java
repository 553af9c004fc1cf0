package io.dwcp.resilience.hedge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hedge on a manual clock: the test decides when the delay has passed by moving the clock, and
 * attempts block on latches until the test lets them answer, so nothing depends on how fast this
 * machine runs.
 */
class HedgeStageTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final RecordingLogger log = new RecordingLogger();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private HedgeStage stage;

    /** Attempts of the call under test, in the order they start: each takes its answer from the test. */
    private final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

    private static final class Attempt {
        final int number;
        final CountDownLatch answer = new CountDownLatch(1);
        volatile Object value;
        volatile Exception failure;
        volatile boolean interrupted;

        Attempt(int number) {
            this.number = number;
        }

        void answer(Object v) {
            value = v;
            answer.countDown();
        }

        void fail(Exception e) {
            failure = e;
            answer.countDown();
        }
    }

    @AfterEach
    void stop() {
        if (stage != null) {
            stage.deactivate();
        }
        callers.shutdownNow();
    }

    private HedgeStage stage(Object... keyValues) {
        Map<String, Object> config = new HashMap<>(Map.of("dwcp.operation", "sync", "idempotent", "true",
                "initial.delay.ms", "50"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        HedgeStage s = new HedgeStage(clock);
        s.setServices(log.logger(), new RecordingEventAdmin());
        s.activate(null, config);
        stage = s;
        return s;
    }

    /** Starts a call on another thread; its attempts wait for the test's answers. */
    private Future<Object> call(long deadlineNanos) {
        int[] started = {0};
        return callers.submit(() -> stage.execute(new TestInvocation("sync", "peer-a", clock, deadlineNanos),
                TestInvocation.operation(inv -> {
                    Attempt a;
                    synchronized (started) {
                        a = new Attempt(++started[0]);
                    }
                    attempts.add(a);
                    try {
                        a.answer.await();
                    } catch (InterruptedException e) {
                        a.interrupted = true;
                        throw e;
                    }
                    if (a.failure != null) {
                        throw a.failure;
                    }
                    return a.value;
                })));
    }

    private Attempt nextAttempt() throws InterruptedException {
        Attempt a = attempts.poll(10, TimeUnit.SECONDS);
        if (a == null) {
            throw new AssertionError("no attempt started within 10 s");
        }
        return a;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private MetricsSnapshot figures() {
        return stage.metrics().get(0);
    }

    @Test
    void anAttemptThatAnswersBeforeTheDelayIsNeverHedged() throws Exception {
        stage();
        Future<Object> result = call(Invocation.NO_DEADLINE);
        nextAttempt().answer("first");
        assertEquals("first", result.get(10, TimeUnit.SECONDS));
        assertEquals(0.0, figures().value("hedges"));
        assertTrue(attempts.isEmpty(), "the clock never moved: no second attempt");
    }

    @Test
    void aSlowAttemptIsHedgedAfterTheDelayAndTheFirstSuccessWins() throws Exception {
        stage();
        Future<Object> result = call(Invocation.NO_DEADLINE);
        Attempt first = nextAttempt();
        clock.advance(Duration.ofMillis(49));
        clock.advance(Duration.ofMillis(1)); // the initial delay has passed
        Attempt second = nextAttempt();
        assertEquals(2, second.number);
        second.answer("second");
        assertEquals("second", result.get(10, TimeUnit.SECONDS));
        await("the slow attempt to be interrupted", () -> first.interrupted);
        assertEquals(1.0, figures().value("hedges"));
        assertEquals(1.0, figures().value("hedgeWins"));
    }

    @Test
    void theFirstAttemptStillWinsWhenItAnswersBeforeTheHedge() throws Exception {
        stage();
        Future<Object> result = call(Invocation.NO_DEADLINE);
        Attempt first = nextAttempt();
        clock.advance(Duration.ofMillis(50));
        Attempt second = nextAttempt();
        first.answer("first");
        assertEquals("first", result.get(10, TimeUnit.SECONDS));
        await("the hedge to be interrupted", () -> second.interrupted);
        assertEquals(0.0, figures().value("hedgeWins"));
    }

    @Test
    void aFailureBeforeTheDelayEndsTheCallWithoutAHedge() throws Exception {
        stage();
        Future<Object> result = call(Invocation.NO_DEADLINE);
        nextAttempt().fail(new IOException("refused"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertEquals("refused", e.getCause().getMessage());
        assertEquals(0.0, figures().value("hedges"));
    }

    @Test
    void whenBothAttemptsFailTheFirstFailureIsThrownWithTheOtherSuppressed() throws Exception {
        stage();
        Future<Object> result = call(Invocation.NO_DEADLINE);
        Attempt first = nextAttempt();
        clock.advance(Duration.ofMillis(50));
        Attempt second = nextAttempt();
        first.fail(new IOException("first failed"));
        second.fail(new IOException("second failed"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertEquals("first failed", e.getCause().getMessage());
        assertEquals("second failed", e.getCause().getSuppressed()[0].getMessage());
    }

    @Test
    void theBudgetCapsHedgesAndACallWithoutOneWaitsForItsOnlyAttempt() throws Exception {
        stage("budget.percent", "0", "budget.burst", "1");
        Future<Object> one = call(Invocation.NO_DEADLINE);
        nextAttempt();
        clock.advance(Duration.ofMillis(50));
        nextAttempt().answer("hedged");
        assertEquals("hedged", one.get(10, TimeUnit.SECONDS));

        Future<Object> two = call(Invocation.NO_DEADLINE);
        Attempt only = nextAttempt();
        clock.advance(Duration.ofMillis(50));
        await("the budget to deny the hedge", () -> figures().value("deniedByBudget") == 1.0);
        only.answer("slow but alone");
        assertEquals("slow but alone", two.get(10, TimeUnit.SECONDS));
        assertTrue(attempts.isEmpty());
        assertEquals(1.0, figures().value("hedges"));
    }

    @Test
    void theCallsDeadlineEndsTheWaitAndInterruptsBothAttempts() throws Exception {
        stage();
        Future<Object> result = call(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(80));
        Attempt first = nextAttempt();
        clock.advance(Duration.ofMillis(50));
        Attempt second = nextAttempt();
        clock.advance(Duration.ofMillis(30));
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof DeadlineExceededException, e.getCause().toString());
        await("both attempts to be interrupted", () -> first.interrupted && second.interrupted);
    }

    @Test
    void theDelayFollowsTheObservedPercentileWithinItsBounds() throws Exception {
        stage("window.ms", "1000", "min.samples", "20", "initial.delay.ms", "20", "max.delay.ms", "30");
        for (int i = 0; i < 20; i++) {
            Future<Object> r = call(Invocation.NO_DEADLINE);
            nextAttempt().answer("ok");
            r.get(10, TimeUnit.SECONDS); // latency 0 on a clock that does not move
        }
        assertEquals(20.0, figures().value("delayMillis"), "no window has completed yet");
        clock.advance(Duration.ofMillis(1000));
        Future<Object> r = call(Invocation.NO_DEADLINE);
        nextAttempt().answer("ok"); // closes the window: 21 samples of ~0 ms
        r.get(10, TimeUnit.SECONDS);
        assertEquals(1.0, figures().value("delayMillis"), "P95 of ~0 ms, raised to min.delay.ms");
    }

    @Test
    void aHedgeIsRefusedUnlessTheOperationIsDeclaredIdempotent() {
        HedgeStage s = new HedgeStage(clock);
        s.setServices(log.logger(), new RecordingEventAdmin());
        String message = assertThrows(InvalidConfigurationException.class,
                () -> s.activate(null, Map.of("dwcp.operation", "consensus"))).getMessage();
        assertTrue(message.contains("idempotent") && message.contains("safe to repeat"), message);
        String bounds = assertThrows(InvalidConfigurationException.class, () -> s.activate(null,
                Map.of("idempotent", "true", "min.delay.ms", "100", "max.delay.ms", "10"))).getMessage();
        assertTrue(bounds.contains("max.delay.ms") && bounds.contains("must not be below min.delay.ms"), bounds);
    }
}
