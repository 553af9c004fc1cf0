package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.dwcp.resilience.testkit.Hammer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final List<String> changes = new ArrayList<>();
    private final LimitListener listener = (from, to, reason, signal, now) ->
            changes.add(Rates.format(from) + "->" + Rates.format(to) + " " + reason);

    private static ConcurrencyLimitSettings settings(String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", "send");
        props.put("window.min.ms", "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return TestServices.concurrency(props);
    }

    /** Runs a window of {@code n} calls at {@code concurrency} in flight, each taking {@code rttMs}. */
    private void window(ConcurrencyLimiter limiter, int n, int concurrency, long rttMs, boolean dropped) {
        int done = 0;
        while (done < n) {
            int started = 0;
            for (int i = 0; i < concurrency && limiter.tryAcquire(); i++) {
                started++;
            }
            clock.advanceNanos(rttMs * MS);
            for (int i = 0; i < started; i++) {
                limiter.release(rttMs * MS, dropped, clock.nanoTime());
            }
            done += Math.max(1, started);
        }
    }

    @Test
    void admitsUpToTheLimitAndNoMore() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("initial.limit", "3", "min.limit", "1"), 3, -1, clock, listener);
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        limiter.release(MS, false, clock.nanoTime());
        assertTrue(limiter.tryAcquire());
        assertEquals(3, limiter.inflight());
    }

    @Test
    void gradient2GrowsWhileRttIsSteadyAndTheLimitIsUsed() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings(), 20, -1, clock, listener);
        for (int w = 0; w < 20; w++) {
            window(limiter, 20, 20, 10, false);
        }
        assertTrue(limiter.limit() > 20, "grew to " + limiter.limit());
        assertTrue(changes.stream().allMatch(c -> c.endsWith("NO_QUEUEING")), changes.toString());
    }

    @Test
    void gradient2DoesNotGrowWhileLessThanHalfTheLimitIsUsed() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings(), 20, -1, clock, listener);
        for (int w = 0; w < 50; w++) {
            window(limiter, 10, 9, 10, false);
        }
        assertEquals(20, limiter.limit());
        assertTrue(changes.isEmpty());
    }

    @Test
    void gradient2ShrinksWhenRttRisesBeyondTheTolerance() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("initial.limit", "100"), 100, -1, clock, listener);
        for (int w = 0; w < 20; w++) {
            window(limiter, 100, 100, 10, false); // long-term RTT settles at 10 ms
        }
        int before = limiter.limit();
        for (int w = 0; w < 5; w++) {
            window(limiter, 100, 100, 40, false); // four times slower: queueing
        }
        assertTrue(limiter.limit() < before, before + " -> " + limiter.limit());
        assertTrue(changes.get(changes.size() - 1).endsWith("LATENCY_HIGH"));
        assertTrue(limiter.longRttNanos() > 10 * MS, "the long-term RTT follows slowly");
    }

    @Test
    void aimdBacksOffOnDropsAndProbesOtherwise() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("algorithm", "aimd", "initial.limit", "50",
                "window.samples", "50"), 50, -1,
                clock, listener);
        window(limiter, 10, 50, 5, false);
        assertEquals(51, limiter.limit());
        window(limiter, 10, 50, 5, true);
        assertEquals(45, limiter.limit(), "floor(51 x 0.9)");
        window(limiter, 50, 45, 2_000, false);
        assertEquals(40, limiter.limit(), "a call slower than the drop latency is a drop");
        assertEquals(List.of("50->51 PROBE", "51->45 DROPS", "45->40 DROPS"), changes);
    }

    @Test
    void aWindowClosesOnlyAfterItsMinimumTime() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("algorithm", "aimd", "window.min.ms", "1000",
                "initial.limit", "10"), 10, -1, clock, listener);
        window(limiter, 50, 10, 100, false);
        assertEquals(0, limiter.windowsClosed(), "500 ms of calls");
        window(limiter, 60, 10, 100, false);
        assertEquals(1, limiter.windowsClosed());
    }

    @Test
    void reconfigurationKeepsTheLimitWithinNewBounds() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("initial.limit", "100"), 100, -1, clock, listener);
        limiter.reconfigure(settings("initial.limit", "30", "max.limit", "50"), clock.nanoTime());
        assertEquals(50, limiter.limit());
        assertEquals("100->50 CONFIGURED", changes.get(0));
        limiter.reconfigure(settings("initial.limit", "30", "max.limit", "50", "algorithm", "aimd"), clock.nanoTime());
        assertEquals(50, limiter.limit(), "switching algorithm keeps the limit");
        assertEquals("aimd", limiter.settings().algorithm());
    }

    @Test
    void concurrentCallersNeverExceedTheLimit() throws Exception {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(settings("initial.limit", "7", "min.limit", "1",
                "max.limit", "7"), 7, -1, clock, listener);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        Hammer.together(4, thread -> {
            for (int i = 0; i < 20_000; i++) {
                if (limiter.tryAcquire()) {
                    admitted.incrementAndGet();
                    worst.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    inside.decrementAndGet();
                    limiter.release(MS, false, clock.nanoTime());
                }
            }
        });
        assertTrue(worst.get() <= 7, "at most 7 at once, saw " + worst.get());
        assertTrue(admitted.get() > 0);
        assertEquals(0, limiter.inflight(), "every permit came back");
    }
}
