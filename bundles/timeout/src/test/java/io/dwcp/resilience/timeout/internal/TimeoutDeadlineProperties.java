package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.testkit.TestInvocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ManualTimeSource;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever the outer deadline and the call's duration: the rest of the chain sees
 * {@code min(outer, start + timeout)}, the outer deadline is back afterwards, and the call fails
 * with a DeadlineExceededException exactly when it overran and then threw, or returned late with
 * {@code fail.late.results}.
 */
class TimeoutDeadlineProperties {

    private static final long MS = 1_000_000L;

    @Property
    void theDeadlineIsTheEarlierOneAndIsRestored(@ForAll @LongRange(min = 1, max = 10_000) long timeoutMs,
            @ForAll @LongRange(min = -1, max = 20_000) long outerMs, @ForAll @LongRange(min = 0, max = 20_000) long callMs,
            @ForAll boolean throwing, @ForAll boolean failLate, @ForAll boolean adaptive) {
        ManualTimeSource clock = new ManualTimeSource();
        TimeoutController c = new TimeoutController("send", TimeoutSettings.from("p",
                TimeoutSettingsTest.config("timeout.ms", Long.toString(timeoutMs), "fail.late.results",
                        Boolean.toString(failLate), "mode", adaptive ? "adaptive" : "fixed", "min.timeout.ms", "1")),
                new TimeoutMetrics(),
                TimeoutListener.NONE, 0);
        long outer = outerMs < 0 ? Invocation.NO_DEADLINE : outerMs * MS;
        TestInvocation inv = new TestInvocation("send", clock, outer);
        AtomicLong seen = new AtomicLong();
        long expectedDeadline = Math.min(outer, timeoutMs * MS);

        Exception failure = null;
        try {
            c.execute(inv, i -> {
                seen.set(i.deadlineNanos());
                clock.advanceNanos(callMs * MS);
                if (throwing) {
                    throw new IllegalStateException("failed");
                }
                return "ok";
            });
        } catch (Exception e) {
            failure = e;
        }

        assertEquals(expectedDeadline, seen.get());
        assertEquals(outer, inv.deadlineNanos());
        boolean overran = callMs * MS > expectedDeadline;
        boolean timedOut = overran && (throwing || failLate);
        assertEquals(timedOut, failure instanceof DeadlineExceededException, String.valueOf(failure));
        if (!timedOut) {
            assertTrue(throwing ? failure instanceof IllegalStateException : failure == null);
        }
    }
}
