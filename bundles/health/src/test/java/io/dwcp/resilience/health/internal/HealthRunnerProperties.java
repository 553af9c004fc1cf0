package io.dwcp.resilience.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class HealthRunnerProperties {

    /** One step: check index 0-2 answers a status from its next run on. */
    record Step(int check, HealthStatus status) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(HealthStatus.class))
                .as(Step::new).list().ofMaxSize(40);
    }

    @Property(tries = 300)
    void overallIsTheWorstKnownStatusAndChangesChainWithoutGapsOrRepeats(@ForAll("steps") List<Step> steps) {
        ManualTimeSource clock = new ManualTimeSource();
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<StatusChange> changes = new ArrayList<>();
        HealthRunner runner = new HealthRunner(clock, scheduler, Runnable::run, Runnable::run, new HealthEvents() {
            @Override
            public void statusChanged(StatusChange change) {
                changes.add(change);
            }

            @Override
            public void listenerFailed(HealthListener listener, StatusChange change, Throwable failure) {
                throw new AssertionError(failure);
            }
        }, Configs.MONITOR_DEFAULTS);
        List<ScriptedCheck> checks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ScriptedCheck check = new ScriptedCheck("c" + i);
            checks.add(check);
            runner.add(i, check, check.name(), 1_000, 0);
        }
        scheduler.runDue();
        for (Step step : steps) {
            checks.get(step.check()).status = step.status();
            scheduler.advanceMillis(1_000);

            int worst = -1;
            for (ScriptedCheck check : checks) {
                worst = Math.max(worst, HealthStatuses.severity(check.status));
            }
            HealthStatus expected = worst < 0 ? HealthStatus.UNKNOWN
                    : HealthStatus.values()[worst]; // HEALTHY, DEGRADED, UNHEALTHY are ordinals 0-2
            assertEquals(expected, runner.status());
        }
        Map<String, HealthStatus> last = new HashMap<>();
        last.put(HealthMonitor.OVERALL, HealthStatus.HEALTHY);
        for (StatusChange change : changes) {
            assertNotEquals(change.from(), change.to());
            assertEquals(last.getOrDefault(change.check(), HealthStatus.UNKNOWN), change.from(), "a change starts where the last one ended");
            last.put(change.check(), change.to());
        }
        assertEquals(runner.status(), last.get(HealthMonitor.OVERALL));
        for (ScriptedCheck check : checks) {
            assertEquals(runner.report(check.name()).orElseThrow().status(), last.getOrDefault(check.name(), HealthStatus.UNKNOWN));
        }
    }
}
