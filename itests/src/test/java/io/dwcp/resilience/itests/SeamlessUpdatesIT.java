package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.itests.fixtures.BreakerProofLoad;
import io.dwcp.resilience.itests.fixtures.StageFigures;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The proof of issue 12 with the real bundles: steady load from four threads, a peer that always
 * fails and its breaker OPEN; every stage bundle (and the state and SLO bundles) is updated, then
 * stopped and started, in turn. Not one call may reach the failing operation, not one call of the
 * healthy operation may fail, and what the stages learnt must survive every step: the breaker stays
 * OPEN, the adaptive rate and the adaptive timeout are not reset to their initial values, the error
 * budgets' counts never go back. Prints the calls held and the longest wait per step.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SeamlessUpdatesIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String FAILING = "seamfail";
    private static final String HEALTHY = "seamok";
    /** The bundles stepped through, in this order. */
    private static final List<String> BUNDLES = List.of("io.dwcp.resilience.circuitbreaker",
            "io.dwcp.resilience.bulkhead", "io.dwcp.resilience.ratelimiter", "io.dwcp.resilience.retry",
            "io.dwcp.resilience.timeout", "io.dwcp.resilience.chaos", "io.dwcp.resilience.slo",
            "io.dwcp.resilience.state");
    private static final Set<StageKind> HEALTHY_KINDS = EnumSet.of(StageKind.CHAOS, StageKind.BULKHEAD,
            StageKind.RATE_LIMIT, StageKind.CIRCUIT_BREAKER, StageKind.RETRY, StageKind.TIMEOUT);
    private static final Set<StageKind> FAILING_KINDS = EnumSet.of(StageKind.CHAOS, StageKind.BULKHEAD,
            StageKind.CIRCUIT_BREAKER);
    private static final double INITIAL_RATE = 5_000;
    private static final double INITIAL_TIMEOUT_MS = 30_000;

    @Test
    public void everyStageBundleUpdatedAndRestartedUnderLoadKeepsProtectionAndWhatItLearnt() throws Exception {
        // a loaded build machine may take seconds to re-register a stage: hold long enough that the
        // figures measure the platform, not the machine (the default is 2 s)
        configure("dwcp.manager", "missing.stage.policy", "bypass", "missing.stage.hold.ms", 15_000L);
        for (String op : List.of(FAILING, HEALTHY)) {
            factory("dwcp.circuitbreaker", op, "failure.consecutive.threshold", "2", "reset.timeout.ms", "600000");
            factory("dwcp.bulkhead.semaphore", op, "max.concurrent.calls", "100");
            factory("dwcp.slo", op, "objective", "99.9", "persist.interval", "1s");
        }
        factory("dwcp.ratelimiter.adaptive", HEALTHY, "initial.rate", String.valueOf((long) INITIAL_RATE),
                "min.rate", "100", "max.rate", "50000", "target.p95.ms", "100", "window.samples", "100");
        factory("dwcp.retry", HEALTHY, "max.retries", "2", "initial.delay.ms", "1", "jitter", "none");
        factory("dwcp.timeout", HEALTHY, "mode", "adaptive", "timeout.ms", String.valueOf((long) INITIAL_TIMEOUT_MS),
                "min.timeout.ms", "2000", "latency.basis", "last");
        await("both chains whole", () -> whole(HEALTHY, HEALTHY_KINDS) && whole(FAILING, FAILING_KINDS));
        BreakerProofLoad load = new BreakerProofLoad(manager, FAILING, HEALTHY, 500);
        List<String> steps = new ArrayList<>();
        try {
            await("load running and the stages learning", () -> load.rejected.sum() > 500 && load.healthyOk.sum() > 500
                    && figure("rate-limit", HEALTHY, "rate") > INITIAL_RATE * 1.5
                    && figure("timeout", HEALTHY, "currentTimeoutMillis") < INITIAL_TIMEOUT_MS / 2
                    && figure("slo", FAILING, "failed") > 0);
            Learnt before = learnt();
            for (String bsn : BUNDLES) {
                steps.add(step("update " + bsn, () -> bundle(bsn).update()));
                steps.add(step("stop/start " + bsn, () -> {
                    Bundle b = bundle(bsn);
                    b.stop();
                    b.start();
                }));
            }
            Learnt after = learnt();
            System.out.println("seamless updates: learnt before " + before + ", after " + after);
            assertEquals("the breaker of " + FAILING + " (0 CLOSED, 1 OPEN, 2 HALF_OPEN)", before.breaker, after.breaker, 0.0);
            assertTrue("adaptive rate kept, not reset to " + INITIAL_RATE + ": " + before + " -> " + after,
                    after.rate >= Math.min(before.rate, INITIAL_RATE * 1.5));
            assertTrue("adaptive timeout kept, not reset to " + INITIAL_TIMEOUT_MS + " ms: " + before + " -> " + after,
                    after.timeoutMs < INITIAL_TIMEOUT_MS / 2);
            assertTrue("the error budget's failures never go back: " + before + " -> " + after,
                    after.budgetFailed >= before.budgetFailed && after.budgetTotal >= before.budgetTotal);
            long last = load.rejected.sum();
            await("calls rejected by the OPEN breaker after the last step", () -> load.rejected.sum() > last + 200);
        } finally {
            load.stop();
        }

        OperationMetrics failing = manager.metrics(FAILING);
        OperationMetrics healthy = manager.metrics(HEALTHY);
        steps.forEach(s -> System.out.println("seamless updates: " + s));
        System.out.println("seamless updates: " + FAILING + " calls held " + failing.held() + " (" + ms(failing.heldNanos())
                + " ms in all), longest " + ms(failing.heldMaxNanos()) + " ms; " + HEALTHY + " calls held "
                + healthy.held() + " (" + ms(healthy.heldNanos()) + " ms in all), longest " + ms(healthy.heldMaxNanos())
                + " ms; " + load.rejected.sum() + " rejected by the OPEN breaker, " + load.healthyOk.sum() + " healthy calls");

        assertEquals("unexpected failures: " + load.unexpected.stream().limit(3).collect(Collectors.toList()), 0,
                load.unexpected.size());
        assertEquals("calls that reached the failing peer while its breaker was OPEN", 0, load.reachedFailing.sum());
        assertTrue("calls were held while a protecting stage was away", failing.held() + healthy.held() > 0);
    }

    /** What the stages learnt, read from their figures. */
    private record Learnt(double breaker, double rate, double timeoutMs, double budgetFailed, double budgetTotal) {
    }

    private Learnt learnt() {
        return new Learnt(figure("circuit-breaker", FAILING, "state"), figure("rate-limit", HEALTHY, "rate"),
                figure("timeout", HEALTHY, "currentTimeoutMillis"), figure("slo", FAILING, "failed"),
                figure("slo", FAILING, "total"));
    }

    /** @return a figure of the component serving {@code operation}, NaN when none reports it now */
    private double figure(String source, String operation, String name) {
        return StageFigures.figure(context, source, operation, name);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs one console-like action and waits until both chains are whole again and the figures are back. */
    private String step(String what, Action action) throws Exception {
        long heldBefore = manager.metrics(FAILING).held() + manager.metrics(HEALTHY).held();
        long start = System.nanoTime();
        action.run();
        await("both chains whole after " + what, () -> whole(HEALTHY, HEALTHY_KINDS) && whole(FAILING, FAILING_KINDS)
                && !Double.isNaN(figure("slo", FAILING, "failed")) && !Double.isNaN(figure("rate-limit", HEALTHY, "rate")));
        long held = manager.metrics(FAILING).held() + manager.metrics(HEALTHY).held() - heldBefore;
        return what + ": chains whole after " + ms(System.nanoTime() - start) + " ms, " + held + " calls held";
    }

    private boolean whole(String operation, Set<StageKind> kinds) {
        ChainView chain = manager.chain(operation);
        Set<StageKind> present = chain.stages().stream().map(StageDescriptor::kind)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(StageKind.class)));
        return present.containsAll(kinds) && chain.held().isEmpty();
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    private void factory(String factoryPid, String operation, String... keyValues) throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration(factoryPid, operation, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation", operation);
        props.put("dwcp.operation.new", "true"); // the test's own operations
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    /** Keeps the load steady (about a thousand calls a second per thread at most) rather than a busy loop. */

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
