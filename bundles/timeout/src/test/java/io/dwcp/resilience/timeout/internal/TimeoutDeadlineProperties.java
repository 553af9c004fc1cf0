package io.dwcp.resilience.timeout.internal;

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
 * with a DeadlineExceededException exactly when it overran.
 */
class TimeoutDeadlineProperties {

    private static final long MS = 1_000_000L;

    @Property
    void theDeadlineIsTheEarlierOneAndIsRestored(@ForAll @LongRange(min = 1, max = 10_000) long timeoutMs,
            @ForAll @LongRange(min = -1, max = 20_000) long outerMs, @ForAll @LongRange(min = 0, max = 20_000) long callMs,
            @ForAll boolean throwing) {
        ManualTimeSource clock = new ManualTimeSource();
        TimeoutController c = new TimeoutController("send", TimeoutSettings.from("p",
                TimeoutSettingsTest.config("timeout.ms", Long.toString(timeoutMs))), new TimeoutMetrics(),
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
        assertEquals(overran, failure instanceof DeadlineExceededException, String.valueOf(failure));
        if (!overran) {
            assertTrue(throwing ? failure instanceof IllegalStateException : failure == null);
        }
    }
}
