package io.dwcp.resilience.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRunnerTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<StatusChange> changes = new CopyOnWriteArrayList<>();
    private final List<String> listenerFailures = new CopyOnWriteArrayList<>();
    private final HealthEvents events = new HealthEvents() {
        @Override
        public void statusChanged(StatusChange change) {
            changes.add(change);
        }

        @Override
        public void listenerFailed(HealthListener listener, StatusChange change, Throwable failure) {
            listenerFailures.add(change.check() + ": " + failure.getMessage());
        }
    };
    private ExecutorService pool;

    private HealthRunner directRunner() {
        return new HealthRunner(clock, scheduler, Runnable::run, Runnable::run, events, Configs.MONITOR_DEFAULTS);
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void runsACheckAtOnceAndThenEveryDefaultIntervalOfTenSeconds() {
        HealthRunner runner = directRunner();
        ScriptedCheck check = new ScriptedCheck("a");
        runner.add(1, check, "a", 0, 0);
        scheduler.runDue();
        assertEquals(1, check.runs.get());
        scheduler.advanceMillis(9_999);
        assertEquals(1, check.runs.get());
        scheduler.advanceMillis(1);
        assertEquals(2, check.runs.get());
        scheduler.advanceMillis(30_000);
        assertEquals(5, check.runs.get());
    }

    @Test
    void aCheckCanSetItsOwnIntervalAndADefaultChangeAppliesFromTheNextRun() {
        HealthRunner runner = directRunner();
        ScriptedCheck fast = new ScriptedCheck("fast");
        ScriptedCheck usual = new ScriptedCheck("usual");
        runner.add(1, fast, "fast", 1_000, 0);
        runner.add(2, usual, "usual", 0, 0);
        scheduler.advanceMillis(10_000);
        assertEquals(11, fast.runs.get());
        assertEquals(2, usual.runs.get());
        runner.updateSettings(Configs.monitor(5_000, 5_000));
        scheduler.advanceMillis(20_000);
        // the run at 20 s was still scheduled with 10 s; from then on every 5 s: 20, 25, 30
        assertEquals(5, usual.runs.get());
        assertEquals(1_000, runner.report("fast").orElseThrow().intervalMillis());
        assertEquals(5_000, runner.report("usual").orElseThrow().intervalMillis());
    }

    @Test
    void tellsListenersAndEventsOnlyWhenTheStatusChanges() {
        HealthRunner runner = directRunner();
        RecordingListener listener = new RecordingListener();
        runner.addListener(listener);
        ScriptedCheck check = new ScriptedCheck("a");
        runner.add(1, check, "a", 0, 0);
        scheduler.runDue();
        scheduler.advanceMillis(10_000); // still healthy: nothing new
        check.status = HealthStatus.UNHEALTHY;
        scheduler.advanceMillis(10_000);
        scheduler.advanceMillis(10_000); // still unhealthy: nothing new
        check.status = HealthStatus.HEALTHY;
        scheduler.advanceMillis(10_000);

        assertEquals(List.of(
                "changed * HEALTHY->UNKNOWN", // no checks was healthy; one check not run yet is unknown
                "changed a UNKNOWN->HEALTHY", "healthy a",
                "changed * UNKNOWN->HEALTHY", "healthy *",
                "changed a HEALTHY->UNHEALTHY", "unhealthy a",
                "changed * HEALTHY->UNHEALTHY", "unhealthy *",
                "changed a UNHEALTHY->HEALTHY", "healthy a",
                "changed * UNHEALTHY->HEALTHY", "healthy *"), listener.calls);
        assertEquals(7, changes.size());
        assertEquals(HealthStatus.UNHEALTHY, changes.get(4).to());
        assertEquals(HealthMonitor.OVERALL, changes.get(4).check());
    }

    @Test
    void overallIsTheWorstKnownStatusAndIgnoresChecksNotRunYet() {
        HealthRunner runner = directRunner();
        assertEquals(HealthStatus.HEALTHY, runner.status(), "no checks: nothing is failing");
        ScriptedCheck a = new ScriptedCheck("a");
        ScriptedCheck b = new ScriptedCheck("b");
        runner.add(1, a, "a", 0, 0);
        runner.add(2, b, "b", 0, 0);
        assertEquals(HealthStatus.UNKNOWN, runner.status(), "checks exist but none has run");
        b.status = HealthStatus.DEGRADED;
        scheduler.runDue();
        assertEquals(HealthStatus.DEGRADED, runner.status());
        a.status = HealthStatus.UNHEALTHY;
        scheduler.advanceMillis(10_000);
        assertEquals(HealthStatus.UNHEALTHY, runner.status());
        a.status = HealthStatus.UNKNOWN;
        scheduler.advanceMillis(10_000);
        assertEquals(HealthStatus.DEGRADED, runner.status(), "an UNKNOWN check is no evidence either way");
    }

    @Test
    void countsRunsSuccessesAndTheRecentSuccessRate() {
        HealthRunner runner = directRunner();
        ScriptedCheck check = new ScriptedCheck("a");
        runner.add(1, check, "a", 0, 0);
        scheduler.runDue();                               // healthy
        check.status = HealthStatus.DEGRADED;
        scheduler.advanceMillis(10_000);                  // degraded: still a success
        check.status = HealthStatus.UNHEALTHY;
        scheduler.advanceMillis(10_000);                  // failure
        check.failure = new IllegalStateException("boom");
        scheduler.advanceMillis(10_000);                  // a throwing check: failure
        HealthCheckReport report = runner.report("a").orElseThrow();
        assertEquals(4, report.runs());
        assertEquals(2, report.successes());
        assertEquals(0.5, report.successRate());
        assertEquals(0.5, report.recentSuccessRate());
        assertEquals(HealthStatus.UNHEALTHY, report.status());
        assertTrue(report.lastResult().message().contains("boom"), report.lastResult().message());
    }

    @Test
    void theRecentSuccessRateCoversTheLast64RunsOnly() {
        HealthRunner runner = directRunner();
        ScriptedCheck check = new ScriptedCheck("a");
        check.status = HealthStatus.UNHEALTHY;
        runner.add(1, check, "a", 10, 0);
        scheduler.advanceMillis(99 * 10);                 // 100 failed runs
        check.status = HealthStatus.HEALTHY;
        scheduler.advanceMillis(32 * 10);                 // 32 good runs
        HealthCheckReport report = runner.report("a").orElseThrow();
        assertEquals(132, report.runs());
        assertEquals(0.5, report.recentSuccessRate());
        assertEquals(32.0 / 132, report.successRate(), 1e-12);
    }

    @Test
    void aLateListenerFirstHearsTheCurrentStatuses() {
        HealthRunner runner = directRunner();
        ScriptedCheck a = new ScriptedCheck("a");
        a.status = HealthStatus.UNHEALTHY;
        runner.add(1, a, "a", 0, 0);
        runner.add(2, new ScriptedCheck("b"), "b", 0, 0);
        scheduler.runDue();
        RecordingListener late = new RecordingListener();
        runner.addListener(late);
        assertEquals(List.of("changed a UNKNOWN->UNHEALTHY", "unhealthy a", "changed b UNKNOWN->HEALTHY", "healthy b",
                "changed * UNKNOWN->UNHEALTHY", "unhealthy *"), late.calls);
    }

    @Test
    void aRemovedCheckReportsUnknownAndAWaitingCheckOfTheSameNameTakesOver() {
        HealthRunner runner = directRunner();
        RecordingListener listener = new RecordingListener();
        runner.addListener(listener);
        ScriptedCheck first = new ScriptedCheck("a");
        first.status = HealthStatus.UNHEALTHY;
        ScriptedCheck second = new ScriptedCheck("a");
        assertEquals(HealthRunner.Admission.ACTIVE, runner.add(1, first, "a", 0, 0));
        assertEquals(HealthRunner.Admission.WAITING, runner.add(2, second, "a", 0, 0));
        scheduler.runDue();
        assertEquals(0, second.runs.get(), "a waiting duplicate does not run");
        listener.calls.clear();
        assertEquals("a", runner.remove(1));
        scheduler.runDue();
        assertEquals(1, second.runs.get());
        assertEquals(List.of("changed a UNHEALTHY->UNKNOWN", "changed * UNHEALTHY->UNKNOWN",
                "changed a UNKNOWN->HEALTHY", "healthy a", "changed * UNKNOWN->HEALTHY", "healthy *"), listener.calls);
        scheduler.advanceMillis(10_000);
        assertEquals(0, first.runs.get() - 1, "the removed check never runs again");
    }

    @Test
    void refusesBlankAndReservedNames() {
        HealthRunner runner = directRunner();
        assertEquals(HealthRunner.Admission.REFUSED, runner.add(1, new ScriptedCheck("*"), "*", 0, 0));
        assertEquals(HealthRunner.Admission.REFUSED, runner.add(2, new ScriptedCheck(" "), " ", 0, 0));
        assertTrue(runner.reports().isEmpty());
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromHearing() {
        HealthRunner runner = directRunner();
        runner.addListener(new HealthListener() {
            @Override
            public void onHealthy(String check, HealthResult result) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onUnhealthy(String check, HealthResult result) {
            }
        });
        RecordingListener second = new RecordingListener();
        runner.addListener(second);
        runner.add(1, new ScriptedCheck("a"), "a", 0, 0);
        scheduler.runDue();
        assertTrue(second.calls.contains("healthy a"));
        assertEquals(List.of("a: listener bug", "*: listener bug"), listenerFailures);
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        HealthRunner runner = directRunner();
        RecordingListener listener = new RecordingListener();
        runner.addListener(listener);
        runner.removeListener(listener);
        runner.add(1, new ScriptedCheck("a"), "a", 0, 0);
        scheduler.runDue();
        assertTrue(listener.calls.isEmpty());
    }

    @Test
    void stopCancelsEveryScheduledRun() {
        HealthRunner runner = directRunner();
        ScriptedCheck check = new ScriptedCheck("a");
        runner.add(1, check, "a", 0, 0);
        scheduler.runDue();
        runner.stop();
        assertEquals(0, scheduler.pending());
        scheduler.advanceMillis(60_000);
        assertEquals(1, check.runs.get());
        assertEquals(HealthRunner.Admission.REFUSED, runner.add(2, new ScriptedCheck("b"), "b", 0, 0));
    }

    @Test
    void aHungCheckTimesOutIsInterruptedAndDoesNotStallTheOthers() throws Exception {
        pool = Executors.newCachedThreadPool();
        HealthRunner runner = new HealthRunner(clock, scheduler, pool, Runnable::run, events, Configs.MONITOR_DEFAULTS);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        HealthCheck hung = new HealthCheck() {
            @Override
            public String name() {
                return "hung";
            }

            @Override
            public HealthResult check() throws InterruptedException {
                entered.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                throw new AssertionError("unreachable");
            }
        };
        ScriptedCheck fast = new ScriptedCheck("fast");
        runner.add(1, hung, "hung", 0, 2_000);
        runner.add(2, fast, "fast", 1_000, 0);
        scheduler.runDue();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        awaitUntil(() -> fast.runs.get() == 1 && runner.report("fast").orElseThrow().runs() == 1);

        scheduler.advanceMillis(1_000);
        awaitUntil(() -> runner.report("fast").orElseThrow().runs() == 2);
        assertEquals(HealthStatus.UNKNOWN, runner.report("hung").orElseThrow().status(), "not timed out yet");

        scheduler.advanceMillis(1_000); // 2 s: the hung check's timeout
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the hung worker is interrupted");
        HealthCheckReport hungReport = runner.report("hung").orElseThrow();
        assertEquals(HealthStatus.UNHEALTHY, hungReport.status());
        assertEquals("timed out after 2000 ms", hungReport.lastResult().message());
        assertEquals(1, hungReport.timeouts());
        awaitUntil(() -> runner.report("fast").orElseThrow().runs() == 3);
        assertEquals(HealthStatus.HEALTHY, runner.report("fast").orElseThrow().status());
        assertEquals(HealthStatus.UNHEALTHY, runner.status());
    }

    @Test
    void aCheckThatIgnoresInterruptionHoldsOneWorkerAndEveryIntervalCountsAsAFailedRun() throws Exception {
        pool = Executors.newCachedThreadPool();
        HealthRunner runner = new HealthRunner(clock, scheduler, pool, Runnable::run, events, Configs.MONITOR_DEFAULTS);
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        HealthCheck stubborn = new HealthCheck() {
            @Override
            public String name() {
                return "stubborn";
            }

            @Override
            public HealthResult check() {
                started.incrementAndGet();
                while (true) {
                    try {
                        release.await();
                        returned.countDown();
                        return HealthResult.healthy("finally", 0);
                    } catch (InterruptedException ignored) {
                        // a badly written check: swallows the interrupt and keeps waiting
                    }
                }
            }
        };
        runner.add(1, stubborn, "stubborn", 1_000, 500);
        scheduler.runDue();
        awaitUntil(() -> started.get() == 1);
        scheduler.advanceMillis(500);
        assertEquals("timed out after 500 ms", runner.report("stubborn").orElseThrow().lastResult().message());
        scheduler.advanceMillis(2_500); // the runs due at 1 s, 2 s and 3 s find it still hung
        HealthCheckReport report = runner.report("stubborn").orElseThrow();
        assertEquals(1, started.get(), "never started twice");
        assertEquals(4, report.runs());
        assertEquals(0, report.successes());
        assertTrue(report.lastResult().message().contains("still hangs"), report.lastResult().message());

        release.countDown();
        assertTrue(returned.await(10, TimeUnit.SECONDS));
        // its late result is discarded; once its worker is free, the next run starts afresh
        awaitUntil(() -> {
            scheduler.advanceMillis(1_000);
            return runner.report("stubborn").orElseThrow().status() == HealthStatus.HEALTHY;
        });
        assertTrue(started.get() >= 2);
        assertEquals("finally", runner.report("stubborn").orElseThrow().lastResult().message());
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

}
