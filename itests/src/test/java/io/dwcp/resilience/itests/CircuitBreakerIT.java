package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerControl;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerListener;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The circuit breaker in a real Felix with the manager, the state store, ConfigAdmin and
 * EventAdmin: it trips through the manager, stays OPEN across a bundle update and across a swap to
 * another provider, takes a new threshold live, and refuses bad values loudly while the old
 * configuration stays in force. Each test uses its own operation, so they share one container.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CircuitBreakerIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String BREAKER_BSN = "io.dwcp.resilience.circuitbreaker";
    private static final String REPLACEMENT_BSN = "io.dwcp.resilience.circuitbreaker.replacement";
    private static final String REPLACEMENT_JAR = "circuitbreaker-replacement.jar";

    private final List<org.osgi.service.cm.Configuration> created = new ArrayList<>();
    private final List<ServiceRegistration<?>> registered = new ArrayList<>();

    @Configuration
    public Option[] config() throws IOException {
        // Another provider of the same stage: the breaker's jar under another symbolic name and version.
        File original = new File(System.getProperty("dwcp.bundles.dir", "target/bundles"), BREAKER_BSN + ".jar");
        writeBundle(REPLACEMENT_JAR, renamed(original, REPLACEMENT_BSN, "0.2.0"));
        return baseOptions().toArray(new Option[0]);
    }

    @After
    public void cleanUp() throws IOException {
        for (ServiceRegistration<?> r : registered) {
            r.unregister();
        }
        for (org.osgi.service.cm.Configuration c : created) {
            c.delete();
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    public void aTripThroughTheManagerIsRejectedPostedAndHeard() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<CircuitBreakerTransition> heard = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED);
        topic.put(EventConstants.EVENT_FILTER, "(" + ResilienceEvents.OPERATION + "=ittrip)");
        registered.add(context.registerService(EventHandler.class, events::add, topic));
        Dictionary<String, Object> only = new Hashtable<>();
        only.put(CircuitBreakerListener.OPERATION, "ittrip");
        registered.add(context.registerService(CircuitBreakerListener.class, heard::add, only));

        breaker("ittrip", "failure.consecutive.threshold", "3");
        failTimes("ittrip", 3);
        assertRejected("ittrip");

        await("the STATE_CHANGED event", () -> !events.isEmpty());
        Event e = events.get(0);
        assertEquals("ittrip", e.getProperty(ResilienceEvents.OPERATION));
        assertEquals("CLOSED", e.getProperty(ResilienceEvents.FROM));
        assertEquals("OPEN", e.getProperty(ResilienceEvents.TO));
        assertEquals("3 consecutive failures", e.getProperty(ResilienceEvents.REASON));
        await("the listener callback", () -> !heard.isEmpty());
        assertEquals(CircuitBreakerState.OPEN, heard.get(0).to());
    }

    @Test
    public void anOpenBreakerStaysOpenWhenItsBundleIsUpdated() throws Exception {
        breaker("itupdate", "failure.consecutive.threshold", "2", "reset.timeout.ms", "600000");
        failTimes("itupdate", 2);
        long before = breakerStage("itupdate").serviceId();

        Bundle bundle = bundle(BREAKER_BSN);
        bundle.update();
        await("the updated bundle's breaker in the chain",
                () -> breakerStageIfAny("itupdate").map(s -> s.serviceId() != before).orElse(false));

        assertRejected("itupdate");
        assertEquals(CircuitBreakerState.OPEN, control(BREAKER_BSN, "itupdate").state("itupdate"));
    }

    @Test
    public void anOpenBreakerStaysOpenWhenAnotherProviderReplacesIt() throws Exception {
        breaker("itswap", "failure.consecutive.threshold", "2", "reset.timeout.ms", "600000");
        failTimes("itswap", 2);
        assertEquals(BREAKER_BSN, breakerStage("itswap").bundleSymbolicName());

        Bundle replacement = context.installBundle(testBundleLocation(REPLACEMENT_JAR));
        Bundle original = bundle(BREAKER_BSN);
        try {
            replacement.start();
            await("the replacement's breaker for itswap", () -> controlIfAny(REPLACEMENT_BSN, "itswap").isPresent());
            original.stop();
            await("the chain on the replacement",
                    () -> breakerStageIfAny("itswap").map(s -> s.bundleSymbolicName().equals(REPLACEMENT_BSN))
                            .orElse(false));

            assertRejected("itswap");
            assertEquals(CircuitBreakerState.OPEN, control(REPLACEMENT_BSN, "itswap").state("itswap"));
        } finally {
            original.start();
            replacement.uninstall();
        }
    }

    @Test
    public void aNewThresholdAppliesWithoutARestart() throws Exception {
        org.osgi.service.cm.Configuration config = breaker("itlive", "failure.consecutive.threshold", "5");
        long service = breakerStage("itlive").serviceId();
        failTimes("itlive", 2);
        assertEquals("ok", manager.execute("itlive", inv -> "ok"));
        failTimes("itlive", 1);
        config.update(properties("itlive", "failure.consecutive.threshold", "2"));
        // SCR calls @Modified before it updates the service's properties.
        await("the reconfiguration", () -> !serviceReferences("(&(dwcp.operation=itlive)"
                + "(failure.consecutive.threshold=2))").isEmpty());
        assertEquals("the same component, modified in place", service, breakerStage("itlive").serviceId());
        failTimes("itlive", 1);
        assertRejected("itlive");
    }

    @Test
    public void badValuesAreRefusedNamingPidKeyAndReasonAndTheOldConfigurationStays() throws Exception {
        org.osgi.service.cm.Configuration config = breaker("itbad", "failure.consecutive.threshold", "4");
        String[][] bad = {
            { "failure.consecutive.threshold", "-1", "must be between 0 and 1000000" },
            { "failure.rate.threshold", "NaN", "must be a finite number" },
            { "open.max.duration.ms", "1000", "less than reset.timeout.ms=60000" },
        };
        for (String[] b : bad) {
            try (LogCapture log = new LogCapture()) {
                config.update(properties("itbad", b[0], b[1]));
                String expected = "configuration dwcp.circuitbreaker~itbad refused: " + b[0] + "=" + b[1];
                await("the refusal of " + b[0] + "=" + b[1], () -> log.contains(expected));
                String line = log.find(expected);
                assertTrue(line, line.startsWith("ERROR " + BREAKER_BSN + ": "));
                assertTrue(line, line.contains(b[2]));
            }
        }
        failTimes("itbad", 3);
        assertEquals("the old threshold of 4 is still in force", "ok", manager.execute("itbad", inv -> "ok"));
        failTimes("itbad", 4);
        assertRejected("itbad");
    }

    @Test
    public void withScopePeerADeadPeerOpensOnlyItsOwnBreakerAndStaysOpenAcrossAnUpdate() throws Exception {
        breaker("itpeers", "scope", "peer", "failure.consecutive.threshold", "3", "reset.timeout.ms", "600000");
        for (int i = 0; i < 3; i++) {
            try {
                manager.execute("itpeers", "node-b", inv -> {
                    throw new IOException(inv.peer() + " down");
                });
                fail("the call to node-b should have failed");
            } catch (IOException expected) {
                assertEquals("node-b down", expected.getMessage());
            }
        }
        assertPeerRejected("itpeers", "node-b");
        for (int i = 0; i < 10; i++) {
            assertEquals("node-a's calls pass", "ok from node-a",
                    manager.execute("itpeers", "node-a", inv -> "ok from " + inv.peer()));
        }
        assertEquals(CircuitBreakerState.OPEN, control(BREAKER_BSN, "itpeers").state("itpeers"));
        List<String> figures = new ArrayList<>();
        for (MetricsSnapshot m : ((MetricsSource) control(BREAKER_BSN, "itpeers")).metrics()) {
            figures.add(m.peer() + "=" + (m.hasPeer() ? CircuitBreakerState.values()[(int) m.value("state")]
                    : (int) m.value("openPeers") + "/" + (int) m.value("peers")));
        }
        assertEquals(List.of("=1/2", "node-a=CLOSED", "node-b=OPEN"), figures);

        // the next provider restores node-b's breaker from its own state key, OPEN
        long before = breakerStage("itpeers").serviceId();
        bundle(BREAKER_BSN).update();
        await("the updated bundle's breaker in the chain",
                () -> breakerStageIfAny("itpeers").map(s -> s.serviceId() != before).orElse(false));
        assertPeerRejected("itpeers", "node-b");
        assertEquals("ok from node-a", manager.execute("itpeers", "node-a", inv -> "ok from " + inv.peer()));
    }

    // ------------------------------------------------------------------ helpers

    private void assertPeerRejected(String operation, String peer) throws Exception {
        try {
            manager.execute(operation, peer, inv -> "should not run");
            fail(peer + " should be rejected by its open breaker");
        } catch (CallNotPermittedException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("peer " + peer));
        }
    }

    private org.osgi.service.cm.Configuration breaker(String operation, String... keyValues) throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getFactoryConfiguration("dwcp.circuitbreaker",
                operation, "?");
        config.update(properties(operation, keyValues));
        created.add(config);
        await("the circuit breaker for " + operation, () -> breakerStageIfAny(operation).isPresent());
        return config;
    }

    private static Dictionary<String, Object> properties(String operation, String... keyValues) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("dwcp.operation", operation);
        p.put("dwcp.operation.new", "true"); // the tests' own operations (itlive, itbad, ...)
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private void failTimes(String operation, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            try {
                manager.execute(operation, inv -> {
                    throw new IOException("peer down");
                });
                fail("the call should have failed");
            } catch (IOException expected) {
                assertEquals("peer down", expected.getMessage());
            }
        }
    }

    private void assertRejected(String operation) throws Exception {
        try {
            manager.execute(operation, inv -> "should not run");
            fail(operation + " should be rejected by an open breaker");
        } catch (CallNotPermittedException expected) {
            assertEquals(operation, expected.operation());
            assertTrue(expected.getMessage(), expected.getMessage().contains("circuit breaker is OPEN"));
        }
    }

    private Optional<StageDescriptor> breakerStageIfAny(String operation) {
        return manager.chain(operation).stages().stream().filter(s -> s.kind() == StageKind.CIRCUIT_BREAKER)
                .filter(s -> s.scope().equals(operation)).findFirst();
    }

    private StageDescriptor breakerStage(String operation) {
        return breakerStageIfAny(operation).orElseThrow(() -> new AssertionError("no breaker for " + operation));
    }

    private Optional<CircuitBreakerControl> controlIfAny(String bsn, String operation) {
        try {
            for (ServiceReference<CircuitBreakerControl> ref : context.getServiceReferences(CircuitBreakerControl.class,
                    "(dwcp.operation=" + operation + ")")) {
                if (ref.getBundle() != null && ref.getBundle().getSymbolicName().equals(bsn)) {
                    return Optional.ofNullable(context.getService(ref));
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        return Optional.empty();
    }

    private CircuitBreakerControl control(String bsn, String operation) {
        return controlIfAny(bsn, operation).orElseThrow(() -> new AssertionError("no control from " + bsn));
    }

    private List<ServiceReference<CircuitBreakerControl>> serviceReferences(String filter) {
        try {
            return new ArrayList<>(context.getServiceReferences(CircuitBreakerControl.class, filter));
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    /** Host side: a copy of a bundle jar under another symbolic name and version. */
    private static InputStream renamed(File jar, String symbolicName, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new FileInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream copy = new JarOutputStream(out, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    copy.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(copy);
                    copy.closeEntry();
                }
            }
        }
        return new ByteArrayInputStream(out.toByteArray());
    }
}
