package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.itests.fixtures.StageBundles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The central promise: replace a stage's provider in a running container while calls flow, and lose
 * none. The missing-stage policy for the swapped kind is {@code reject}, so even a moment without a
 * provider would fail calls.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String V1 = "itest.stage.breaker.v1";
    private static final String V2 = "itest.stage.breaker.v2";

    @Configuration
    public Option[] config() {
        writeBundle(V1 + ".jar", stageBundle(V1, 0));
        writeBundle(V2 + ".jar", stageBundle(V2, 10));
        return baseOptions().toArray(new Option[0]);
    }

    /** Host side: a bundle holding only a counting circuit-breaker stage for send. */
    private static java.io.InputStream stageBundle(String symbolicName, int ranking) {
        return StageBundles.countingStage(symbolicName, StageKind.CIRCUIT_BREAKER.id(), "send", ranking);
    }

    @Test
    public void aStageProviderIsReplacedUnderLoadWithoutAFailedCall() throws Exception {
        configure("dwcp.manager", "missing.stage.policy", "bypass",
                "missing.stage.policy.overrides", "send:circuit-breaker=reject");
        await("send to reject without a breaker", () -> !manager.chain("send").accepting());

        Bundle v1 = context.installBundle(testBundleLocation(V1 + ".jar"));
        v1.start();
        await("v1 in the chain", () -> V1.equals(breakerProvider()));

        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(2);
        Bundle v2 = null;
        try {
            List<Future<?>> running2 = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                running2.add(callers.submit(() -> {
                    while (running.get()) {
                        try {
                            if ("ok".equals(manager.execute("send", "peer-1", inv -> "ok"))) {
                                ok.increment();
                            }
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            await("calls through v1", () -> ok.sum() > 2_000);

            v2 = context.installBundle(testBundleLocation(V2 + ".jar"));
            v2.start();
            await("v2 in the chain", () -> V2.equals(breakerProvider()));
            long atSwap = ok.sum();

            v1.stop();
            v1.uninstall();
            await("calls through v2 after v1 is gone", () -> ok.sum() > atSwap + 2_000);

            running.set(false);
            for (Future<?> f : running2) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            callers.shutdownNow();
        }

        assertEquals("failed calls: " + failures.stream().limit(3).toList(), 0, failures.size());
        assertEquals(V2, breakerProvider());
        assertNull(context.getBundle(testBundleLocation(V1 + ".jar")));
        for (StageDescriptor d : manager.chain("send").stages()) {
            assertTrue("v1 still in the chain: " + d, !V1.equals(d.bundleSymbolicName()));
        }
        assertTrue(manager.metrics("send").successes() >= ok.sum());

        v2.uninstall();
        await("send to reject again without a breaker", () -> !manager.chain("send").accepting());
        configure("dwcp.manager", "missing.stage.policy", "bypass");
        await("the default policy", () -> manager.chain("send").accepting());
    }

    private String breakerProvider() {
        return manager.chain("send").stages().stream()
                .filter(d -> d.kind() == StageKind.CIRCUIT_BREAKER)
                .map(StageDescriptor::bundleSymbolicName)
                .findFirst().orElse(null);
    }
}
