package io.dwcp.resilience.injector.latency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.injector.support.internal.ManualSleeper;
import io.dwcp.resilience.injector.support.internal.RevertibleSleeper;
import io.dwcp.resilience.injector.support.internal.TestInvocation;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LatencyInjectorTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();
    private final ManualSleeper sleeper = new ManualSleeper(clock);
    private final SplittableRandom random = new SplittableRandom(7);

    private LatencyInjector injector(long minMs, long maxMs, String distribution) {
        return new LatencyInjector(sleeper, () -> random, LatencySettings.of(minMs, maxMs, distribution));
    }

    @ParameterizedTest
    @EnumSource(DelayDistribution.class)
    void everyDelayLandsInItsRangeAndTheCallProceeds(DelayDistribution d) throws Exception {
        LatencyInjector injector = injector(50, 200, d.toString());
        AtomicInteger proceeded = new AtomicInteger();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            long before = clock.nanoTime();
            String result = injector.inject(new TestInvocation("send", "", clock), inv -> {
                proceeded.incrementAndGet();
                return "ok";
            });
            assertEquals("ok", result);
            long slept = clock.nanoTime() - before;
            assertTrue(slept >= 50 * MS && slept <= 200 * MS, d + ": slept " + slept + " ns");
        }
        assertEquals(n, proceeded.get());
        assertEquals(n, injector.delays());
        assertEquals(clock.nanoTime(), injector.delayedNanos());
    }

    @Test
    void theDistributionsHaveTheirDocumentedShape() {
        long min = 50 * MS;
        long max = 200 * MS;
        int n = 20_000;
        double uniform = mean(DelayDistribution.UNIFORM, min, max, n);
        double normal = mean(DelayDistribution.NORMAL, min, max, n);
        double exponential = mean(DelayDistribution.EXPONENTIAL, min, max, n);
        double centre = (min + max) / 2.0;
        double range = max - min;
        // uniform: sd = range / sqrt(12); the mean of n draws lies within 5 standard errors
        assertTrue(Math.abs(uniform - centre) < 5 * range / Math.sqrt(12) / Math.sqrt(n), "uniform mean " + uniform);
        assertTrue(Math.abs(normal - centre) < 5 * (range / 6) / Math.sqrt(n), "normal mean " + normal);
        // exponential from min with mean range/4 (clipping only lowers it)
        assertTrue(exponential < min + range / 4.0 + 5 * (range / 4) / Math.sqrt(n), "exponential mean " + exponential);
        assertTrue(exponential > min + range / 8.0, "exponential mean " + exponential);
    }

    private double mean(DelayDistribution d, long min, long max, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += d.draw(min, max, random);
        }
        return sum / n;
    }

    @Test
    void aFixedDelayWhenMinEqualsMax() throws Exception {
        LatencyInjector injector = injector(75, 75, "uniform");
        injector.inject(new TestInvocation("send", "", clock), inv -> "ok");
        assertEquals(75 * MS, clock.nanoTime());
    }

    @Test
    void neverSleepsPastTheDeadlineAndThenFailsAsTimedOut() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        long deadline = clock.nanoTime() + 30 * MS;
        AtomicInteger proceeded = new AtomicInteger();
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> injector.inject(
                new TestInvocation("send", "", clock, deadline), inv -> proceeded.incrementAndGet()));
        assertEquals(30 * MS, sleeper.sleeps.get(0), "slept until the deadline, not the full 100 ms");
        assertEquals(deadline, clock.nanoTime());
        assertEquals(0, proceeded.get());
        assertTrue(e.getMessage().startsWith("send: deadline exceeded"), e.getMessage());
        assertEquals(1, injector.deadlineHits());
    }

    @Test
    void aDeadlineAlreadyPassedMeansNoSleepAtAll() {
        LatencyInjector injector = injector(50, 200, "uniform");
        clock.advanceNanos(10 * MS);
        long deadline = clock.nanoTime() - MS;
        assertThrows(DeadlineExceededException.class,
                () -> injector.inject(new TestInvocation("send", "", clock, deadline), inv -> "ok"));
        assertEquals(0L, sleeper.sleeps.get(0));
    }

    @Test
    void aDeadlineFurtherAwayThanTheDelayLetsTheCallProceed() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        long deadline = clock.nanoTime() + 101 * MS;
        assertEquals("ok", injector.inject(new TestInvocation("send", "", clock, deadline), inv -> "ok"));
        assertEquals(100 * MS, sleeper.sleeps.get(0));
    }

    @Test
    void aDelayCutShortByTheKillSwitchProceedsAtOnce() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        sleeper.wakeEarly = true;
        long deadline = clock.nanoTime() + 10 * MS;
        assertEquals("ok", injector.inject(new TestInvocation("send", "", clock, deadline), inv -> "ok"),
                "reverted: the call goes on instead of failing");
        assertEquals(1, injector.cutShort());
        injector.revert();
        assertEquals(1, sleeper.wakeups);
    }

    @Test
    void revertReleasesRealDelaysInProgress() throws Exception {
        LatencyInjector injector = new LatencyInjector(new RevertibleSleeper(), () -> random,
                LatencySettings.of(600_000, 600_000, "uniform"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = pool.submit(() -> injector.inject(new TestInvocation("send", "", clockOfJvm()), inv -> "a"));
            Future<String> b = pool.submit(() -> injector.inject(new TestInvocation("send", "", clockOfJvm()), inv -> "b"));
            while (!(a.isDone() && b.isDone())) {
                injector.revert(); // until both ten-minute delays have started and been cut short
                Thread.onSpinWait();
            }
            assertEquals("a", a.get(1, TimeUnit.MINUTES));
            assertEquals("b", b.get(1, TimeUnit.MINUTES));
            assertEquals(0, injector.delaying());
        } finally {
            pool.shutdownNow();
        }
    }

    private static io.dwcp.resilience.api.TimeSource clockOfJvm() {
        return io.dwcp.resilience.api.TimeSource.SYSTEM;
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertEquals("min.ms", assertThrows(InvalidConfigurationException.class,
                () -> LatencySettings.of(-1, 200, "uniform")).key());
        assertEquals("max.ms", assertThrows(InvalidConfigurationException.class,
                () -> LatencySettings.of(50, -200, "uniform")).key());
        assertEquals("max.ms", assertThrows(InvalidConfigurationException.class,
                () -> LatencySettings.of(200, 50, "uniform")).key());
        assertEquals("max.ms", assertThrows(InvalidConfigurationException.class,
                () -> LatencySettings.of(50, 600_001, "uniform")).key());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> LatencySettings.of(50, 200, "gaussian"));
        assertEquals("distribution", e.key());
        assertTrue(e.getMessage().contains("dwcp.injector.latency"), e.getMessage());
    }

    @Test
    void changedSettingsApplyToTheNextCall() throws Exception {
        LatencyInjector injector = injector(50, 200, "uniform");
        injector.update(LatencySettings.of(5, 5, "normal"));
        injector.inject(new TestInvocation("send", "", clock), inv -> "ok");
        assertEquals(5 * MS, clock.nanoTime());
    }
}
