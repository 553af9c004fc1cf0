package io.dwcp.resilience.injector.latency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.testkit.HookedClock;
import io.dwcp.resilience.testkit.RecordingEventAdmin;
import io.dwcp.resilience.testkit.RecordingLogger;
import io.dwcp.resilience.testkit.TestInvocation;
import java.util.Map;
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
    private final SplittableRandom random = new SplittableRandom(7);

    private LatencyInjector injector(long minMs, long maxMs, String distribution) {
        LatencyInjector injector = new LatencyInjector(() -> random);
        injector.setServices(new RecordingLogger().logger(), new RecordingEventAdmin());
        injector.activate(null, Map.of("min.ms", minMs, "max.ms", maxMs, "distribution", distribution));
        return injector;
    }

    private static TestInvocation call(TimeSource clock) {
        return call(clock, Long.MAX_VALUE);
    }

    private static TestInvocation call(TimeSource clock, long deadline) {
        return new TestInvocation("send", "", clock, deadline);
    }

    @ParameterizedTest
    @EnumSource(DelayDistribution.class)
    void everyDelayLandsInItsRangeAndTheCallProceeds(DelayDistribution d) throws Exception {
        LatencyInjector injector = injector(50, 200, d.toString());
        AtomicInteger proceeded = new AtomicInteger();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            long before = clock.nanoTime();
            String result = injector.inject(call(clock), inv -> {
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
        injector.inject(call(clock), inv -> "ok");
        assertEquals(75 * MS, clock.nanoTime());
    }

    @Test
    void neverSleepsPastTheDeadlineAndThenFailsAsTimedOut() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        long deadline = clock.nanoTime() + 30 * MS;
        AtomicInteger proceeded = new AtomicInteger();
        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> injector.inject(
                call(clock, deadline), inv -> proceeded.incrementAndGet()));
        assertEquals(deadline, clock.nanoTime(), "slept until the deadline, not the full 100 ms");
        assertEquals(0, proceeded.get());
        assertTrue(e.getMessage().startsWith("send: deadline exceeded"), e.getMessage());
        assertEquals(1, injector.deadlineHits());
    }

    @Test
    void aDeadlineAlreadyPassedMeansNoSleepAtAll() {
        LatencyInjector injector = injector(50, 200, "uniform");
        clock.advanceNanos(10 * MS);
        long deadline = clock.nanoTime() - MS;
        long before = clock.nanoTime();
        assertThrows(DeadlineExceededException.class,
                () -> injector.inject(call(clock, deadline), inv -> "ok"));
        assertEquals(before, clock.nanoTime(), "no sleep at all");
    }

    @Test
    void aDeadlineFurtherAwayThanTheDelayLetsTheCallProceed() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        long deadline = clock.nanoTime() + 101 * MS;
        assertEquals("ok", injector.inject(call(clock, deadline), inv -> "ok"));
        assertEquals(100 * MS, clock.nanoTime());
    }

    @Test
    void aDelayCutShortByTheKillSwitchProceedsAtOnce() throws Exception {
        LatencyInjector injector = injector(100, 100, "uniform");
        long deadline = clock.nanoTime() + 10 * MS;
        assertEquals("ok", injector.inject(call(new HookedClock(clock, injector::revert), deadline), inv -> "ok"),
                "reverted: the call goes on instead of failing");
        assertEquals(1, injector.cutShort());
        assertEquals(0, clock.nanoTime(), "cut short before any time passed");
        assertTrue(!Thread.currentThread().isInterrupted(), "the kill switch leaves no interrupt behind");
    }

    @Test
    void revertReleasesRealDelaysInProgress() throws Exception {
        LatencyInjector injector = injector(600_000, 600_000, "uniform");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = pool.submit(() -> injector.inject(call(TimeSource.SYSTEM), inv -> "a"));
            Future<String> b = pool.submit(() -> injector.inject(call(TimeSource.SYSTEM), inv -> "b"));
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

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertEquals("min.ms", refused(-1, 200, "uniform").key());
        assertEquals("max.ms", refused(50, -200, "uniform").key());
        assertEquals("max.ms", refused(200, 50, "uniform").key());
        assertEquals("max.ms", refused(50, 600_001, "uniform").key());
        InvalidConfigurationException e = refused(50, 200, "gaussian");
        assertEquals("distribution", e.key());
        assertTrue(e.getMessage().contains("dwcp.injector.latency"), e.getMessage());
    }

    private InvalidConfigurationException refused(long min, long max, String distribution) {
        return assertThrows(InvalidConfigurationException.class, () -> injector(min, max, distribution));
    }

    @Test
    void changedSettingsApplyToTheNextCallAndARefusedChangeKeepsThem() throws Exception {
        LatencyInjector injector = injector(50, 200, "uniform");
        injector.modified(Map.of("min.ms", "5", "max.ms", "5", "distribution", "normal"));
        injector.modified(Map.of("min.ms", "lots", "max.ms", "5"));
        injector.inject(call(clock), inv -> "ok");
        assertEquals(5 * MS, clock.nanoTime());
    }
}
