package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.testkit.TestInvocation;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Whatever the policy, the retrier never waits past the deadline and never exceeds its retries. */
class RetrierProperties {

    @Property
    void neverSleepsPastTheDeadlineNorRetriesMoreThanAllowed(
            @ForAll BackoffPreset preset, @ForAll Jitter jitter,
            @ForAll @IntRange(min = 0, max = 10) int maxRetries,
            @ForAll @LongRange(min = 0, max = 2_000) long initialMs,
            @ForAll @LongRange(min = 1, max = 20_000) long deadlineMs,
            @ForAll @IntRange(min = 0, max = 12) int failures,
            @ForAll @LongRange(min = 0, max = 50) long callMs,
            @ForAll long seed) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("dwcp.operation", "send");
        config.put("backoff", preset.name());
        config.put("jitter", jitter.name());
        config.put("max.retries", maxRetries);
        config.put("initial.delay.ms", initialMs);
        config.put("max.delay.ms", initialMs * 20);
        config.put("budget.enabled", false);
        RetrySettings settings = RetrySettings.from("dwcp.retry~send", config);
        ManualTimeSource clock = new ManualTimeSource();
        ManualSleeper sleeper = new ManualSleeper(clock);
        Random random = new Random(seed);
        RecordingListener listener = new RecordingListener();
        Retrier retrier = new Retrier("send", settings, sleeper, random::nextDouble, listener);
        TestInvocation inv = new TestInvocation("send", clock, clock.nanoTime() + deadlineMs * 1_000_000L);
        AtomicInteger attempts = new AtomicInteger();

        boolean succeeded;
        try {
            retrier.execute(inv, i -> {
                clock.advanceNanos(callMs * 1_000_000L);
                if (attempts.incrementAndGet() <= failures) {
                    throw new IOException();
                }
                return "ok";
            });
            succeeded = true;
        } catch (IOException e) {
            succeeded = false;
        }

        assertTrue(attempts.get() <= maxRetries + 1);
        long deadline = inv.deadlineNanos();
        // Every wait ended before the deadline: the time spent in calls plus the waits up to the end
        // of the last wait is below it.
        long endOfLastWait = sleeper.total() + (attempts.get() - 1) * callMs * 1_000_000L;
        assertTrue(sleeper.sleeps.isEmpty() || endOfLastWait < deadline, "slept until " + endOfLastWait + " past " + deadline);
        if (!succeeded && attempts.get() < maxRetries + 1) {
            // It gave up with retries left: only because the next wait would have reached the deadline.
            assertTrue(listener.giveUps.equals(java.util.List.of(GiveUpReason.DEADLINE)), listener.giveUps.toString());
        }
        assertTrue(succeeded == (failures < attempts.get()));
    }
}
