package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.state.StateStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Hot swaps of the REAL bundles, as an operator types them ({@code update <id>}, {@code refresh},
 * {@code stop}/{@code start}), with the shipped configuration (less load shedding, see the test) and four threads calling all four DWCP
 * operations through whichever manager is registered:
 * <ul>
 * <li>every stage bundle and the manager, updated and stopped/started: not one call fails, every
 * chain comes back with the stages it had, and state survives (an OPEN breaker stays OPEN, no state
 * record is lost);</li>
 * <li>20 swaps in a row leave the JVM's thread count within {@value #THREAD_TOLERANCE} threads and the
 * heap after collection within {@value #HEAP_TOLERANCE_MIB} MiB of where they were after a first
 * round of every swap (class loading, JIT and the first state records are behind it by then). A
 * stage or manager that kept a thread or its instance alive per swap would exceed that: a breaker,
 * bulkhead or limiter instance holds HdrHistogram or window arrays of hundreds of KiB, and each
 * swap replaces about ten of them.</li>
 * </ul>
 * Calls made while no manager is registered (during the manager's own swap) are not made: the load
 * waits for the next manager, as a transport would; those waits are counted, not failed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RealBundleSwapIT extends DwcpTestSupport {

    static final int THREAD_TOLERANCE = 5;
    static final int HEAP_TOLERANCE_MIB = 12;
    private static final int SWAPS_IN_A_ROW = 20;
    private static final String TRIPPED = "swaptripped";
    private static final List<String> SWAPPED = List.of(
            "io.dwcp.resilience.chaos",
            "io.dwcp.resilience.degradation",
            "io.dwcp.resilience.ratelimiter",
            "io.dwcp.resilience.bulkhead",
            "io.dwcp.resilience.circuitbreaker",
            "io.dwcp.resilience.retry",
            "io.dwcp.resilience.timeout",
            "io.dwcp.resilience.manager");

    /** The manager registered now, or {@code null} (during its own swap). */
    private ResilienceManager manager() {
        ServiceReference<ResilienceManager> ref = context.getServiceReference(ResilienceManager.class);
        return ref == null ? null : context.getService(ref);
    }

    @Test
    public void everyRealStageBundleAndTheManagerSwapUnderLoadWithoutAFailedCallOrALeak() throws Exception {
        // tripped before the shipped health checks and degradation rules exist: its two failures must
        // not count against the error rates those watch while the swaps run
        tripABreaker();
        applyRuntimeConfiguration();
        // Without load shedding: calls held while a stage is swapped (make-before-break) are slow, and
        // the shipped degradation rules (p95 of send above 100 ms) then shed up to 90 % of receive at
        // EMERGENCY, which is the platform reacting to its own swap (reported in issue 13's notes).
        // The swap promise tested here is that the chain itself fails no call.
        for (org.osgi.service.cm.Configuration c : configurationAdmin.listConfigurations(
                "(service.factoryPid=dwcp.loadshed)")) {
            c.delete();
        }
        // The first calls in a fresh container are slow (classes loading): a latency budget then reads
        // "1 slow of 1, 0 allowed", is exhausted, and degradation holds DEGRADED for its 60 s recovery
        // hold, longer than this test may wait for NORMAL. Budgets and degradation are tested in SloIT
        // and HealthDegradationIT; here an exhausted budget must not move the level the swaps start from.
        org.osgi.service.cm.Configuration degradation = configurationAdmin.getConfiguration("dwcp.degradation", "?");
        java.util.Dictionary<String, Object> levels = degradation.getProperties();
        levels.put("budget.exhausted.level", "NORMAL");
        // The breaker's two tripping failures stay in the manager's counters, and the shipped
        // system-error-rate check judges the calls since its last judgement: when its first run
        // after the load starts falls early (seen: 2 failed of 332 calls, 0.6 % > 0.1 %), the level
        // goes DEGRADED and the shipped 60 s recovery hold outlasts this test's wait for NORMAL,
        // although the next judgement (10 s later, no failure) is HEALTHY. A short hold keeps that.
        levels.put("recovery.hold.ms", "1000");
        degradation.update(levels);
        Map<String, List<StageKind>> chains = awaitWholeChains(null);
        Set<String> records = stateKeys();

        LongAdder ok = new LongAdder();
        LongAdder waitedForManager = new LongAdder();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService callers = Executors.newFixedThreadPool(Operations.DWCP.size());
        List<Future<?>> loops = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(Operations.DWCP.size());
        for (String operation : Operations.DWCP) {
            loops.add(callers.submit(() -> {
                started.countDown();
                while (running.get()) {
                    ResilienceManager manager = manager();
                    if (manager == null) {
                        waitedForManager.increment();
                        Thread.sleep(1);
                        continue;
                    }
                    try {
                        assertEquals(operation, manager.execute(operation, "peer-1", inv -> operation));
                        ok.increment();
                    } catch (Exception | AssertionError e) {
                        failures.add(operation + ": " + e + (e instanceof io.dwcp.resilience.api.LoadShedException
                                ? " (degradation: " + degradation() + ")" : ""));
                    }
                    Thread.sleep(2); // about 300 calls a second an operation: under the shipped rate limit of send
                }
                return null;
            }));
        }
        List<String> steps = new ArrayList<>();
        long baselineThreads;
        long baselineHeap;
        long afterThreads;
        long afterHeap;
        try {
            assertTrue(started.await(20, TimeUnit.SECONDS));
            await("load running", () -> ok.sum() > 500);
            // the error rates the shipped health checks watch need 100 calls, and the breaker's trip
            // behind them: wait until the platform is at NORMAL before the first swap
            await("degradation NORMAL before the swaps (" + degradation() + ")", () -> degradation().startsWith("NORMAL"));
            // every bundle, each way an operator would swap it
            for (String bsn : SWAPPED) {
                steps.add(step("update+refresh " + bsn, () -> updateAndRefresh(bundle(bsn)), chains));
                steps.add(step("stop/start " + bsn, () -> {
                    bundle(bsn).stop();
                    bundle(bsn).start();
                }, chains));
            }
            baselineThreads = threads();
            baselineHeap = heapAfterCollection();
            for (int i = 0; i < SWAPS_IN_A_ROW; i++) {
                String bsn = SWAPPED.get(i % SWAPPED.size());
                step("swap " + (i + 1) + " " + bsn, () -> updateAndRefresh(bundle(bsn)), chains);
            }
            afterThreads = threads();
            afterHeap = heapAfterCollection();
            long before = ok.sum();
            await("calls flowing after the last swap", () -> ok.sum() > before + 200);
        } finally {
            running.set(false);
            for (Future<?> f : loops) {
                f.get(30, TimeUnit.SECONDS);
            }
            callers.shutdownNow();
        }
        System.out.println("real bundle swaps: " + String.join("; ", steps));
        System.out.println("real bundle swaps: " + ok.sum() + " calls, " + waitedForManager.sum()
                + " waits for a manager; threads " + baselineThreads + " -> " + afterThreads + ", heap after GC "
                + baselineHeap / 1024 + " KiB -> " + afterHeap / 1024 + " KiB over " + SWAPS_IN_A_ROW + " swaps");

        assertEquals("failed calls: " + failures.stream().limit(5).collect(Collectors.toList()), 0, failures.size());
        // the manager's swaps (four of them) each leave a moment with no ResilienceManager registered:
        // the load must have met it, or it did not exercise what it claims to (calls waiting for a manager)
        assertTrue("no call found the manager missing during its swaps", waitedForManager.sum() > 0);
        assertEquals("the chains after the swaps", chains, awaitWholeChains(chains));
        assertTrue("state records lost: " + records + " -> " + stateKeys(), stateKeys().containsAll(records));
        try {
            manager().execute(TRIPPED, "peer-down", inv -> {
                fail("a call reached the peer whose breaker was OPEN before the swaps");
                return null;
            });
            fail("the breaker of " + TRIPPED + " is no longer OPEN after the swaps");
        } catch (CallNotPermittedException expected) {
            // its state came back from the StateStore every time
        }
        assertTrue("threads grew from " + baselineThreads + " to " + afterThreads + " over " + SWAPS_IN_A_ROW + " swaps",
                afterThreads <= baselineThreads + THREAD_TOLERANCE);
        assertTrue("heap after GC grew from " + baselineHeap / 1024 + " KiB to " + afterHeap / 1024 + " KiB over "
                + SWAPS_IN_A_ROW + " swaps", afterHeap <= baselineHeap + HEAP_TOLERANCE_MIB * 1024L * 1024L);
    }

    /** A breaker for an operation of its own, OPEN for ten minutes: state the swaps must keep. */
    private void tripABreaker() throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration("dwcp.circuitbreaker",
                TRIPPED, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation", TRIPPED);
        props.put("dwcp.operation.new", "true"); // the test's own operation (the kit refuses unlisted names otherwise)
        props.put("failure.consecutive.threshold", "2");
        props.put("reset.timeout.ms", "600000");
        props.put("open.max.duration.ms", "600000");
        config.update(props);
        await("a breaker for " + TRIPPED, () -> manager() != null && manager().chain(TRIPPED).stages().stream()
                .anyMatch(d -> d.kind() == StageKind.CIRCUIT_BREAKER));
        for (int i = 0; i < 2; i++) {
            try {
                manager().execute(TRIPPED, "peer-down", inv -> {
                    throw new java.io.IOException("peer down");
                });
            } catch (java.io.IOException expected) {
                // counted by the breaker
            }
        }
        try {
            manager().execute(TRIPPED, "peer-down", inv -> "reached");
            fail("the breaker of " + TRIPPED + " did not open");
        } catch (CallNotPermittedException expected) {
            // OPEN
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private String step(String what, Action action, Map<String, List<StageKind>> chains) throws Exception {
        long start = System.nanoTime();
        action.run();
        awaitWholeChains(chains);
        return what + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
    }

    /**
     * Waits until a manager is registered and every DWCP operation's chain has the stage kinds of
     * {@code expected} (or, when {@code null}, until the chains stop changing for a moment).
     */
    private Map<String, List<StageKind>> awaitWholeChains(Map<String, List<StageKind>> expected) throws Exception {
        AtomicReference<Map<String, List<StageKind>>> seen = new AtomicReference<>();
        if (expected != null) {
            await("the chains " + expected + " again (last seen " + seen + ")", () -> {
                seen.set(chains());
                return expected.equals(seen.get());
            });
            return seen.get();
        }
        // the shipped configuration arrives asynchronously: wait until send has its bulkhead and retry
        await("the shipped stages in send's chain", () -> {
            Map<String, List<StageKind>> now = chains();
            return now != null && !now.get(Operations.SEND).contains(StageKind.LOAD_SHED)
                    && now.get(Operations.SEND).containsAll(List.of(StageKind.BULKHEAD, StageKind.RETRY,
                    StageKind.RATE_LIMIT, StageKind.CIRCUIT_BREAKER, StageKind.TIMEOUT));
        });
        Map<String, List<StageKind>> previous = chains();
        while (true) {
            Thread.sleep(500);
            Map<String, List<StageKind>> now = chains();
            if (now != null && now.equals(previous)) {
                return now;
            }
            previous = now;
        }
    }

    /** The overall degradation level and each component's, for messages. */
    private String degradation() {
        ServiceReference<io.dwcp.resilience.api.degradation.DegradationManager> ref =
                context.getServiceReference(io.dwcp.resilience.api.degradation.DegradationManager.class);
        if (ref == null) {
            return "NORMAL (no degradation manager)";
        }
        io.dwcp.resilience.api.degradation.DegradationManager d = context.getService(ref);
        return d.level() + " " + d.components();
    }

    private Set<String> stateKeys() {
        ServiceReference<StateStore> ref = context.getServiceReference(StateStore.class);
        return ref == null ? Set.of() : new TreeSet<>(context.getService(ref).keys());
    }

    /** {@code update <id>} then {@code refresh}: the old revision goes, nothing keeps its class loader. */
    private void updateAndRefresh(Bundle bundle) throws Exception {
        bundle.update();
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("refresh of " + bundle.getSymbolicName(), refreshed.await(60, TimeUnit.SECONDS));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    private static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The smallest of three readings after a full collection: the live set, not garbage not yet collected. */
    private static long heapAfterCollection() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
