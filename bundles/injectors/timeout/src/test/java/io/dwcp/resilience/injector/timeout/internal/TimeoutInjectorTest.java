package io.dwcp.resilience.injector.timeout.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.testkit.HookedClock;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimeoutInjectorTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final AtomicInteger proceeded = new AtomicInteger();
    private final TimeoutInjector injector = injector(10_000);

    private static TimeoutInjector injector(long maxHoldMs) {
        TimeoutInjector injector = new TimeoutInjector();
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("max.hold.ms", maxHoldMs));
        return injector;
    }

    private TestInvocation call(String operation, long deadline) {
        return new TestInvocation(operation, "n1", clock, deadline);
    }

    @Test
    void holdsUntilTheDeadlineThenFailsAsTimedOut() {
        long deadline = clock.nanoTime() + 250 * MS;
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> injector.inject(call("consensus", deadline), inv -> proceeded.incrementAndGet()));
        assertEquals(deadline, clock.nanoTime(), "the call overran to its deadline, not beyond");
        assertEquals(0, proceeded.get());
        assertEquals(CallOutcome.TIMEOUT, CallOutcome.of(e));
        assertTrue(e.getMessage().contains("until its deadline"), e.getMessage());
        assertEquals(1, injector.timedOut());
    }

    @Test
    void withoutADeadlineHoldsForTheMaximum() {
        assertThrows(DeadlineExceededException.class,
                () -> injector.inject(call("send", Long.MAX_VALUE), inv -> proceeded.incrementAndGet()));
        assertEquals(10_000 * MS, clock.nanoTime());
        assertEquals(0, proceeded.get());
    }

    @Test
    void aDeadlineFurtherThanTheMaximumIsCutToIt() {
        long deadline = clock.nanoTime() + 60_000 * MS;
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                () -> injector.inject(call("send", deadline), inv -> "ok"));
        assertEquals(10_000 * MS, clock.nanoTime());
        assertTrue(e.getMessage().contains("max.hold.ms"), e.getMessage());
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnce() {
        clock.advanceNanos(5 * MS);
        long deadline = clock.nanoTime() - MS;
        assertThrows(DeadlineExceededException.class, () -> injector.inject(call("send", deadline), inv -> "ok"));
        assertEquals(5 * MS, clock.nanoTime(), "no hold at all");
    }

    @Test
    void theKillSwitchReleasesAHeldCallWhichProceeds() throws Exception {
        TimeSource reverting = new HookedClock(clock, injector::revert); // the kill switch as the hold starts
        assertEquals("ok", injector.inject(new TestInvocation("send", "", reverting, Long.MAX_VALUE), inv -> "ok"));
        assertEquals(1, injector.released());
        assertEquals(0, clock.nanoTime());
        assertFalse(Thread.currentThread().isInterrupted(), "the kill switch leaves no interrupt behind");
    }

    @Test
    void negativeOrHugeHoldsAreRefusedAndARefusedChangeKeepsTheHold() {
        assertEquals("max.hold.ms", assertThrows(InvalidConfigurationException.class, () -> injector(-1)).key());
        assertEquals("max.hold.ms", assertThrows(InvalidConfigurationException.class, () -> injector(600_001)).key());
        injector.modified(Map.of("max.hold.ms", "lots"));
        assertEquals(10_000 * MS, injector.settings().maxHoldNanos());
    }
}
