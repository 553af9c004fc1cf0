package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.itests.fixtures.BreakerProofLoad;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Make-before-break with the real bundles: under steady load from several threads, with a peer that
 * always fails and its breaker OPEN, the circuit-breaker bundle is updated and stopped/started, and
 * the state bundle it depends on is updated. Not one call may reach the failing operation while the
 * breaker is missing, and not one call of a healthy operation may fail: calls wait for the breaker
 * to come back instead of running without it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MakeBeforeBreakIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String BREAKER_BSN = "io.dwcp.resilience.circuitbreaker";
    private static final String STATE_BSN = "io.dwcp.resilience.state";
    private static final String FAILING = "mbbfail";
    private static final String HEALTHY = "mbbok";

    @Test
    public void noCallReachesAFailingPeerAndNoHealthyCallFailsWhileTheBreakerBundleIsUpdatedOrRestarted()
            throws Exception {
        breaker(FAILING);
        breaker(HEALTHY);
        await("both breakers in their chains", () -> breakerOf(FAILING).isPresent() && breakerOf(HEALTHY).isPresent());
        BreakerProofLoad load = new BreakerProofLoad(manager, FAILING, HEALTHY, 0);
        List<String> steps = new ArrayList<>();
        try {
            await("load running", () -> load.rejected.sum() > 1_000 && load.healthyOk.sum() > 1_000);

            Bundle breaker = bundle(BREAKER_BSN);
            steps.add(step("update " + BREAKER_BSN, breaker::update));
            steps.add(step("stop/start " + BREAKER_BSN, () -> {
                breaker.stop();
                breaker.start();
            }));
            steps.add(step("update " + STATE_BSN + " (the breaker's mandatory StateStore)", bundle(STATE_BSN)::update));

            long before = load.rejected.sum();
            await("calls rejected by the OPEN breaker after the last step", () -> load.rejected.sum() > before + 1_000);
        } finally {
            load.stop();
        }

        OperationMetrics failing = manager.metrics(FAILING);
        OperationMetrics healthy = manager.metrics(HEALTHY);
        System.out.println("make-before-break: " + String.join("; ", steps));
        System.out.println("make-before-break: " + FAILING + " calls held " + failing.held() + ", longest "
                + TimeUnit.NANOSECONDS.toMillis(failing.heldMaxNanos()) + " ms; " + HEALTHY + " calls held "
                + healthy.held() + ", longest " + TimeUnit.NANOSECONDS.toMillis(healthy.heldMaxNanos()) + " ms; "
                + load.rejected.sum() + " rejected by the OPEN breaker, " + load.healthyOk.sum() + " healthy calls");

        assertEquals("unexpected failures: " + load.unexpected.stream().limit(3).toList(), 0, load.unexpected.size());
        assertEquals("calls that reached the failing peer while its breaker was OPEN", 0, load.reachedFailing.sum());
        assertTrue("some calls were held while the breaker was away", failing.held() + healthy.held() > 0);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs one console-like action and waits until a new breaker serves both operations again. */
    private String step(String what, Action action) throws Exception {
        long failingBefore = breakerOf(FAILING).orElseThrow().serviceId();
        long start = System.nanoTime();
        action.run();
        await("a new breaker after " + what, () -> breakerOf(FAILING).map(d -> d.serviceId() != failingBefore)
                .orElse(false) && breakerOf(HEALTHY).isPresent());
        return what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms until the chain was whole)";
    }

    private Optional<StageDescriptor> breakerOf(String operation) {
        return manager.chain(operation).stages().stream().filter(d -> d.kind() == StageKind.CIRCUIT_BREAKER)
                .findFirst();
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    private void breaker(String operation) throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration("dwcp.circuitbreaker",
                operation, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation", operation);
        props.put("dwcp.operation.new", "true"); // mbbfail, mbbok: the test's own operations
        props.put("failure.consecutive.threshold", "2");
        props.put("reset.timeout.ms", "600000");
        config.update(props);
    }
}
