package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.itests.thirdparty.JitterInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Chaos in a real Felix, through the manager: two keys, injection, the kill switch measured (heap
 * retained and threads), expiry, bundle stop, partitions, panics contained, and a third party's
 * injector bundle installed, used and uninstalled without a restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChaosIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String PLUGIN_JAR = "third-party-jitter-injector.jar";
    private static final long MIB = 1L << 20;

    /** Looked up on every use: a test stops and restarts the engine bundle, which replaces the service. */
    private ChaosControl chaos() {
        ServiceReference<ChaosControl> ref = context.getServiceReference(ChaosControl.class);
        assertNotNull("the ChaosControl service", ref);
        return context.getService(ref);
    }

    @Configuration
    public Option[] config() {
        // Host side: the third party's bundle, built from its class and the API alone.
        writeBundle(PLUGIN_JAR, TinyBundles.bundle()
                .addClass(JitterInjector.class)
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, "com.example.chaos().jitter")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader("-dsannotations", "*")
                .setHeader("Private-Package", JitterInjector.class.getPackageName())
                .build(TinyBundles.bndBuilder()));
        return baseOptions().toArray(new Option[0]);
    }

    @After
    public void disarmAndForbid() throws Exception {
        chaos().disarm("test over");
        configure("dwcp.chaos", "allowed", false);
        await("chaos not allowed", () -> !chaos().status().allowed());
    }

    private void allow(Object... more) throws Exception {
        Object[] keyValues = new Object[more.length + 2];
        keyValues[0] = "allowed";
        keyValues[1] = true;
        System.arraycopy(more, 0, keyValues, 2, more.length);
        configure("dwcp.chaos", keyValues);
        await("chaos allowed", () -> chaos().status().allowed());
    }

    private int calls(int n, String operation, String peer) throws Exception {
        int faults = 0;
        for (int i = 0; i < n; i++) {
            try {
                manager.execute(operation, peer, inv -> "ok");
            } catch (InjectedFaultException e) {
                faults++;
            }
        }
        return faults;
    }

    private MetricsSnapshot injectorMetrics(String name) throws Exception {
        Collection<ServiceReference<MetricsSource>> refs = context.getServiceReferences(MetricsSource.class,
                "(" + FaultInjector.NAME + "=" + name + ")");
        assertEquals("metrics of injector " + name, 1, refs.size());
        MetricsSource source = context.getService(refs.iterator().next());
        try {
            return source.metrics().get(0);
        } finally {
            context.ungetService(refs.iterator().next());
        }
    }

    private ServiceReference<FaultInjector> latencyInjector() {
        try {
            Collection<ServiceReference<FaultInjector>> refs = context.getServiceReferences(FaultInjector.class,
                    "(" + FaultInjector.NAME + "=latency)");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static long chaosThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dwcp-chaos-cpu-") && t.isAlive()).count();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    // ------------------------------------------------------------------ two keys

    @Test
    public void notAllowedByDefaultArmingIsRefusedAndNoCallIsTouched() throws Exception {
        assertFalse(chaos().status().allowed());
        try {
            chaos().arm(ArmRequest.of(Duration.ofMinutes(1)).withProbability(1.0));
            fail("arming must be refused while not allowed");
        } catch (ChaosNotAllowedException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("allowed=false"));
        }
        long before = chaos().status().totalInjections();
        assertEquals(0, calls(2_000, Operations.SEND, "node-1"));
        assertEquals(before, chaos().status().totalInjections());
        assertEquals("chaos", manager.chain(Operations.SEND).stages().get(0).kind().id());
    }

    @Test
    public void allowedButNotArmedInjectsNothing() throws Exception {
        allow("probability", 1.0);
        long before = chaos().status().totalInjections();
        assertEquals(0, calls(2_000, Operations.SEND, "node-1"));
        assertEquals(before, chaos().status().totalInjections());
    }

    // ------------------------------------------------------------------ injection, audit, kill switch

    @Test
    public void armedChaosInjectsThroughTheManagerAndTheKillSwitchRevertsMemoryAndThreads() throws Exception {
        List<String> topics = Collections.synchronizedList(new ArrayList<>());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, ResilienceEvents.TOPIC_ROOT + "/chaos/*");
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class,
                e -> topics.add(e.getTopic()), props);
        try (LogCapture log = new LogCapture()) {
            configure("dwcp.injector.memory", "step.mb", 1, "cap.mb", 4, "safety.margin.percent", 25);
            configure("dwcp.injector.cpu", "threads", 2, "utilisation.percent", 10, "duration.ms", 600_000L,
                    "period.ms", 100L);
            allow();
            assertEquals(0, (long) injectorMetrics("memory").value("retainedBytes"));

            ChaosStatus armed = chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0)
                    .withInjector("memory", 1).withInjector("cpu", 1).withReason("itest"));
            assertTrue(armed.armed());
            long before = armed.injections("memory") + armed.injections("cpu");
            calls(200, Operations.SYNC, "node-2");
            ChaosStatus status = chaos().status();
            assertEquals(200, status.injections("memory") + status.injections("cpu") - before);
            assertEquals("grows to its cap and no further", 4 * MIB,
                    (long) injectorMetrics("memory").value("retainedBytes"));
            assertEquals(2, chaosThreads());

            ChaosStatus after = chaos().disarm("kill switch");
            assertFalse(after.armed());
            assertEquals("retained bytes back to baseline", 0, (long) injectorMetrics("memory").value("retainedBytes"));
            assertEquals("no injector thread left", 0, chaosThreads());

            await("ARMED, INJECTED and DISARMED events", () -> topics.contains(ResilienceEvents.CHAOS_ARMED)
                    && topics.contains(ResilienceEvents.CHAOS_INJECTED) && topics.contains(ResilienceEvents.CHAOS_DISARMED));
            await("the audit trail", () -> log.contains("AUDIT chaos ARMED") && log.contains("AUDIT chaos injected 'memory'")
                    && log.contains("AUDIT chaos DISARMED: kill switch"));
        } finally {
            handler.unregister();
        }
    }

    @Test
    public void armingExpiresByItselfAndReverts() throws Exception {
        configure("dwcp.injector.cpu", "threads", 1, "utilisation.percent", 10, "duration.ms", 600_000L,
                "period.ms", 100L);
        allow();
        chaos().arm(ArmRequest.of(Duration.ofSeconds(1)).withProbability(1.0).withInjector("cpu", 1));
        calls(1, Operations.SEND, "");
        await("expiry", () -> !chaos().status().armed());
        assertTrue(chaos().status().reason(), chaos().status().reason().startsWith("expired"));
        await("spike threads stopped", () -> chaosThreads() == 0);
        long injections = chaos().status().totalInjections();
        calls(100, Operations.SEND, "");
        assertEquals(injections, chaos().status().totalInjections());
    }

    @Test
    public void badArmRequestsAreRefusedAndNothingIsArmed() throws Exception {
        allow();
        for (ArmRequest bad : List.of(ArmRequest.of(Duration.ofSeconds(-1)),
                ArmRequest.of(Duration.ofMinutes(1)).withProbability(1.5),
                ArmRequest.of(Duration.ofMinutes(1)).withInjector("no-such-injector", 1))) {
            try {
                chaos().arm(bad);
                fail("refused: " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("Nothing was armed"));
            }
            assertFalse(chaos().status().armed());
        }
    }

    @Test
    public void aBadConfigurationIsRefusedAndThePreviousOneStays() throws Exception {
        allow("probability", 0.25);
        await("probability 0.25", () -> chaos().status().probability() == 0.25);
        try (LogCapture log = new LogCapture()) {
            allow("probability", 1.5);
            await("the refusal", () -> log.contains("configuration dwcp.chaos refused: probability=1.5"));
            String line = log.find("configuration dwcp.chaos refused");
            assertTrue(line, line.startsWith("ERROR io.dwcp.resilience.chaos: "));
            assertEquals(0.25, chaos().status().probability(), 0.0);
            assertTrue(chaos().status().allowed());

            configure("dwcp.injector.latency", "min.ms", 300L, "max.ms", 100L);
            await("the latency refusal", () -> log.contains("configuration dwcp.injector.latency refused: max.ms=100"));
        } finally {
            configure("dwcp.injector.latency", "min.ms", 50L, "max.ms", 200L);
        }
    }

    // ------------------------------------------------------------------ bundle stop

    @Test
    public void stoppingAnInjectorBundleRevertsWhatItHoldsAndRemovesIt() throws Exception {
        configure("dwcp.injector.cpu", "threads", 2, "utilisation.percent", 10, "duration.ms", 600_000L,
                "period.ms", 100L);
        allow();
        chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("cpu", 1));
        calls(5, Operations.SEND, "");
        assertEquals(2, chaosThreads());
        Bundle cpu = bundle("io.dwcp.resilience.injector.cpu");
        cpu.stop();
        try {
            assertEquals(0, chaosThreads());
            assertFalse(chaos().status().availableInjectors().contains("cpu"));
            assertEquals(0, calls(50, Operations.SEND, ""));
        } finally {
            cpu.start();
        }
        await("cpu injector back", () -> chaos().status().availableInjectors().contains("cpu"));
    }

    @Test
    public void stoppingTheChaosBundleDisarmsAndRevertsEverything() throws Exception {
        configure("dwcp.injector.memory", "step.mb", 1, "cap.mb", 3, "safety.margin.percent", 25);
        allow();
        chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("memory", 1));
        calls(10, Operations.SEND, "");
        assertEquals(3 * MIB, (long) injectorMetrics("memory").value("retainedBytes"));
        Bundle engine = bundle("io.dwcp.resilience.chaos");
        engine.stop();
        try {
            assertEquals(0, (long) injectorMetrics("memory").value("retainedBytes"));
            assertEquals(0, calls(50, Operations.SEND, ""));
        } finally {
            engine.start();
        }
        await("chaos stage back", () -> context.getServiceReference(ChaosControl.class) != null
                && !manager.chain(Operations.SEND).stages().isEmpty());
    }

    // ------------------------------------------------------------------ partition and panic

    @Test
    public void aPartitionCutsThePeerUntilDisarmed() throws Exception {
        configure("dwcp.injector.partition", "peers", "node-9", "duration.ms", 600_000L);
        allow();
        PartitionPolicy policy = context.getService(context.getServiceReference(PartitionPolicy.class));
        assertFalse(policy.isPartitioned("node-9"));
        chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("partition", 1)
                .withOperations("sync"));
        assertEquals("the firing call goes to another peer and proceeds", "ok",
                manager.execute(Operations.SYNC, "node-1", inv -> "ok"));
        assertTrue(policy.isPartitioned("node-9"));
        assertEquals("every call to the cut peer fails, whatever its operation", 20,
                calls(20, Operations.SEND, "node-9"));
        chaos().disarm("heal");
        assertFalse(policy.isPartitioned("node-9"));
        assertEquals(0, calls(20, Operations.SEND, "node-9"));
    }

    @Test
    public void aPanicIsContainedAndCountedAsAFailure() throws Exception {
        configure("dwcp.injector.panic", "kind", "error");
        allow();
        chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("panic", 1)
                .withOperations("consensus"));
        long failures = manager.metrics(Operations.CONSENSUS).failures();
        try {
            manager.execute(Operations.CONSENSUS, inv -> "ok");
            fail("the panic must reach the caller");
        } catch (Error expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("consensus: chaos injector 'panic'"));
            assertEquals(CallOutcome.FAILURE, CallOutcome.of(expected));
        }
        assertEquals(failures + 1, manager.metrics(Operations.CONSENSUS).failures());
        chaos().disarm("operator");
        assertEquals("the layer goes on", "ok", manager.execute(Operations.CONSENSUS, inv -> "ok"));
    }

    // ------------------------------------------------------------------ faults take effect innermost

    @Test
    public void injectedErrorsAndPanicsAreRecordedByTheCircuitBreakerAndTripIt() throws Exception {
        org.osgi.service.cm.Configuration breaker = configurationAdmin.getFactoryConfiguration("dwcp.circuitbreaker",
                "itchaos", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("dwcp.operation", "itchaos");
        p.put("dwcp.operation.new", "true");
        p.put("failure.consecutive.threshold", "4");
        p.put("reset.timeout.ms", "600000");
        breaker.update(p);
        try {
            await("the circuit breaker of itchaos", () -> manager.chain("itchaos").stages().stream()
                    .anyMatch(st -> st.kind() == StageKind.CIRCUIT_BREAKER && st.scope().equals("itchaos")));
            configure("dwcp.injector.panic", "kind", "error");
            allow();
            chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("panic", 1)
                    .withInjector("error", 1).withOperations("itchaos"));
            AtomicInteger operationRan = new AtomicInteger();
            List<String> faults = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try {
                    manager.execute("itchaos", inv -> operationRan.incrementAndGet());
                    fail("every call gets a fault");
                } catch (CallNotPermittedException tooEarly) {
                    throw new AssertionError("the breaker opened after " + i + " faults", tooEarly);
                } catch (Exception | Error fault) {
                    faults.add(fault.getClass().getSimpleName());
                }
            }
            try {
                manager.execute("itchaos", inv -> operationRan.incrementAndGet());
                fail("the breaker recorded the injected faults " + faults + " and opened");
            } catch (CallNotPermittedException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("circuit breaker is OPEN"));
            }
            assertEquals("the faults replaced the operation", 0, operationRan.get());
            assertEquals("the layer counted each fault as a failure", 4,
                    manager.metrics("itchaos").failures());
        } finally {
            breaker.delete();
        }
    }

    @Test
    public void injectedLatencyIsBoundedByATimeoutStageInsideChaos() throws Exception {
        // No timeout bundle yet: a minimal timeout-kind stage that narrows the deadline to 100 ms.
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Stage.KIND, StageKind.TIMEOUT.id());
        props.put(Stage.OPERATION, "itslow");
        ServiceRegistration<Stage> timeout = context.registerService(Stage.class, new Stage() {
            @Override
            public <T> T execute(Invocation inv, Next<T> next) throws Exception {
                long outer = inv.deadlineNanos();
                inv.setDeadlineNanos(Math.min(outer,
                        Invocation.deadlineAfter(inv.timeSource().nanoTime(), Duration.ofMillis(100).toNanos())));
                try {
                    return next.proceed(inv);
                } finally {
                    inv.setDeadlineNanos(outer);
                }
            }
        }, props);
        try {
            await("the timeout stage of itslow", () -> manager.chain("itslow").stages().stream()
                    .anyMatch(st -> st.kind() == StageKind.TIMEOUT));
            configure("dwcp.injector.latency", "min.ms", 20_000L, "max.ms", 20_000L);
            await("the latency injector's 20 s configuration in force", () -> {
                ServiceReference<FaultInjector> ref = latencyInjector();
                return ref != null && "20000".equals(String.valueOf(ref.getProperty("min.ms")));
            });
            allow();
            chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector("latency", 1)
                    .withOperations("itslow"));
            long start = System.nanoTime();
            try {
                manager.execute("itslow", inv -> "ok");
                fail("a 20 s delay inside a 100 ms timeout must time out");
            } catch (DeadlineExceededException expected) {
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue("the injected delay stopped at the timeout stage's deadline, took " + tookMs + " ms",
                        tookMs < 10_000);
            }
        } finally {
            timeout.unregister();
            configure("dwcp.injector.latency", "min.ms", 50L, "max.ms", 200L);
        }
    }

    // ------------------------------------------------------------------ third-party plugin

    @Test
    public void aThirdPartyInjectorIsInstalledArmedInjectedUninstalledAndGone() throws Exception {
        allow();
        assertFalse(chaos().status().availableInjectors().contains(JitterInjector.NAME));
        Bundle plugin = context.installBundle(testBundleLocation(PLUGIN_JAR));
        String imports = plugin.getHeaders().get(Constants.IMPORT_PACKAGE);
        assertTrue(imports, imports.contains("io.dwcp.resilience.api.chaos"));
        assertNotNull("a DS component", plugin.getHeaders().get("Service-Component"));
        plugin.start();
        await("the jitter injector in the engine",
                () -> chaos().status().availableInjectors().contains(JitterInjector.NAME));

        chaos().arm(ArmRequest.of(Duration.ofMinutes(5)).withProbability(1.0).withInjector(JitterInjector.NAME, 1));
        AtomicInteger seen = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            manager.execute(Operations.SEND, "node-4", (Invocation inv) -> {
                if (inv.attribute(JitterInjector.ATTRIBUTE) != null) {
                    seen.incrementAndGet();
                }
                return "ok";
            });
        }
        assertEquals("the third party's code ran on every call", 20, seen.get());
        assertEquals(20, chaos().status().injections(JitterInjector.NAME));

        int revertsBefore = Integer.getInteger(JitterInjector.REVERTS, 0);
        plugin.uninstall();
        await("the jitter injector gone from the engine",
                () -> !chaos().status().availableInjectors().contains(JitterInjector.NAME));
        assertTrue("stopping the plugin reverted it", Integer.getInteger(JitterInjector.REVERTS, 0) > revertsBefore);
        assertTrue(chaos().status().armed());
        seen.set(0);
        for (int i = 0; i < 20; i++) {
            manager.execute(Operations.SEND, "node-4", (Invocation inv) -> {
                if (inv.attribute(JitterInjector.ATTRIBUTE) != null) {
                    seen.incrementAndGet();
                }
                return "ok";
            });
        }
        assertEquals("nothing left to inject with", 0, seen.get());
        assertEquals(20, chaos().status().injections(JitterInjector.NAME));
    }
}
