package io.dwcp.resilience.injector.timeout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.injector.support.internal.ManualSleeper;
import io.dwcp.resilience.injector.support.internal.TestInvocation;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimeoutInjectorTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final ManualSleeper sleeper = new ManualSleeper(clock);
    private final AtomicInteger proceeded = new AtomicInteger();
    private final TimeoutInjector injector = new TimeoutInjector(sleeper, TimeoutSettings.of(10_000));

    @Test
    void holdsUntilTheDeadlineThenFailsAsTimedOut() {
        long deadline = clock.nanoTime() + 250 * MS;
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> injector.inject(
                new TestInvocation("consensus", "n1", clock, deadline), inv -> proceeded.incrementAndGet()));
        assertEquals(deadline, clock.nanoTime(), "the call overran to its deadline, not beyond");
        assertEquals(0, proceeded.get());
        assertEquals(CallOutcome.TIMEOUT, CallOutcome.of(e));
        assertTrue(e.getMessage().contains("until its deadline"), e.getMessage());
        assertEquals(1, injector.timedOut());
    }

    @Test
    void withoutADeadlineHoldsForTheMaximum() {
        assertThrows(DeadlineExceededException.class,
                () -> injector.inject(new TestInvocation("send", "", clock), inv -> proceeded.incrementAndGet()));
        assertEquals(10_000 * MS, clock.nanoTime());
        assertEquals(0, proceeded.get());
    }

    @Test
    void aDeadlineFurtherThanTheMaximumIsCutToIt() {
        long deadline = clock.nanoTime() + 60_000 * MS;
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> injector.inject(new TestInvocation("send", "", clock, deadline), inv -> "ok"));
        assertEquals(10_000 * MS, sleeper.sleeps.get(0));
        assertTrue(e.getMessage().contains("max.hold.ms"), e.getMessage());
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnce() {
        clock.advanceNanos(5 * MS);
        long deadline = clock.nanoTime() - MS;
        assertThrows(DeadlineExceededException.class,
                () -> injector.inject(new TestInvocation("send", "", clock, deadline), inv -> "ok"));
        assertEquals(0L, sleeper.sleeps.get(0));
    }

    @Test
    void theKillSwitchReleasesAHeldCallWhichProceeds() throws Exception {
        sleeper.wakeEarly = true;
        assertEquals("ok", injector.inject(new TestInvocation("send", "", clock), inv -> "ok"));
        assertEquals(1, injector.released());
        injector.revert();
        assertEquals(1, sleeper.wakeups);
    }

    @Test
    void negativeOrHugeHoldsAreRefused() {
        assertEquals("max.hold.ms", assertThrows(InvalidConfigurationException.class, () -> TimeoutSettings.of(-1)).key());
        assertEquals("max.hold.ms", assertThrows(InvalidConfigurationException.class,
                () -> TimeoutSettings.of(600_001)).key());
    }
}
