package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import javax.inject.Inject;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

/**
 * Open stage slots in a real Felix: the fallback and hedge bundles, configured, take the slots they
 * state among the built-in kinds (fallback after chaos, hedge after retry), and do their work through
 * the manager; a third party's kind is placed where its service property says, and one without a
 * position is refused with a warning.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OpenSlotsIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String OP = "it-slots";

    private final List<ServiceRegistration<?>> registered = new ArrayList<>();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return baseOptions().toArray(new Option[0]);
    }

    @After
    public void cleanUp() throws Exception {
        registered.forEach(ServiceRegistration::unregister);
        Configuration[] configs = configurationAdmin.listConfigurations("(|(service.factoryPid=dwcp.retry)"
                + "(service.factoryPid=dwcp.timeout)(service.factoryPid=dwcp.fallback)(service.factoryPid=dwcp.hedge))");
        if (configs != null) {
            for (Configuration c : configs) {
                c.delete();
            }
        }
        // stages configured for every operation (chaos, load shedding) may stay: only this test's go
        await("this test's stages to leave the chain of " + OP, () -> kinds().stream()
                .noneMatch(List.of("retry", "timeout", "fallback", "hedge", "audit")::contains));
    }

    private void configureFactory(String factoryPid, String name, Object... keyValues) throws IOException {
        Configuration config = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation.new", "true"); // it-slots is this test's own operation
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    private List<String> kinds() {
        List<String> kinds = new ArrayList<>();
        for (StageDescriptor d : manager.chain(OP).allStages()) {
            kinds.add(d.kindId());
        }
        return kinds;
    }

    private MetricsSnapshot metrics(String kind) throws Exception {
        for (ServiceReference<MetricsSource> ref : context.getServiceReferences(MetricsSource.class, null)) {
            MetricsSource source = context.getService(ref);
            try {
                for (MetricsSnapshot s : source.metrics()) {
                    if (s.source().equals(kind) && s.operation().equals(OP)) {
                        return s;
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return null;
    }

    private void configureChain() throws Exception {
        configureChain(true);
    }

    private void configureChain(boolean hedge) throws Exception {
        configureFactory("dwcp.retry", OP, "dwcp.operation", OP, "max.retries", "0");
        configureFactory("dwcp.timeout", OP, "dwcp.operation", OP, "timeout.ms", "20000");
        configureFactory("dwcp.fallback", OP, "dwcp.operation", OP, "use", "peers, static", "peers", "b",
                "static.value", "offline");
        if (hedge) {
            configureFactory("dwcp.hedge", OP, "dwcp.operation", OP, "idempotent", "true", "initial.delay.ms", "1",
                    "min.delay.ms", "1", "max.delay.ms", "1");
        }
        await("retry, timeout, fallback" + (hedge ? " and hedge" : "") + " in the chain of " + OP,
                () -> kinds().containsAll(hedge ? List.of("retry", "timeout", "fallback", "hedge")
                        : List.of("retry", "timeout", "fallback")));
    }

    @Test
    public void fallbackAndHedgeTakeTheSlotsTheyStateAmongTheBuiltInKinds() throws Exception {
        configureChain();
        List<String> kinds = kinds();
        int fallback = kinds.indexOf("fallback");
        for (int i = 0; i < kinds.size(); i++) {
            if (!kinds.get(i).equals("chaos") && i != fallback) {
                assertTrue("fallback is outside every protection but chaos: " + kinds, fallback < i);
            }
        }
        assertTrue("retry > hedge > timeout: " + kinds,
                kinds.indexOf("retry") + 1 == kinds.indexOf("hedge") && kinds.indexOf("hedge") + 1 == kinds.indexOf("timeout"));
        StageDescriptor hedge = manager.chain(OP).allStages().get(kinds.indexOf("hedge"));
        assertEquals("io.dwcp.resilience.hedge", hedge.bundleSymbolicName());
        assertEquals("after:retry", hedge.position().toString());
        assertNull("a kind of its own has no StageKind", hedge.kind());
        assertTrue("stages() keeps to the built-in kinds",
                manager.chain(OP).stages().stream().allMatch(StageDescriptor::builtIn));
    }

    @Test
    public void aFailedCallGoesToAnotherPeerThenToTheStaticResponse() throws Exception {
        configureChain(false); // no hedge: it could send the failing call to peer a twice
        List<String> peers = new ArrayList<>();
        Object answer = manager.execute(OP, "a", inv -> {
            synchronized (peers) {
                peers.add(inv.peer());
            }
            if (inv.peer().equals("a")) {
                throw new IOException("peer a is down");
            }
            return "answered by " + inv.peer();
        });
        assertEquals("answered by b", answer);
        assertEquals(List.of("a", "b"), peers);

        assertEquals("offline", manager.execute(OP, "a", inv -> {
            throw new IOException("every peer is down");
        }));
        MetricsSnapshot m = metrics("fallback");
        assertEquals(1.0, m.value("answeredByPeer"), 0);
        assertEquals(1.0, m.value("answeredByStatic"), 0);
    }

    @Test
    public void aSlowAttemptIsHedgedAndTheSecondAttemptAnswers() throws Exception {
        configureChain();
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Object answer = manager.execute(OP, "a", inv -> {
            if (attempts.incrementAndGet() == 1) {
                // the first attempt hangs until the winning hedge interrupts it (20 s at most)
                never.await(20, TimeUnit.SECONDS);
                return "first";
            }
            return "second";
        });
        assertEquals("second", answer);
        MetricsSnapshot m = metrics("hedge");
        assertNotNull(m);
        assertEquals(1.0, m.value("hedges"), 0);
        assertEquals(1.0, m.value("hedgeWins"), 0);
    }

    @Test
    public void aThirdPartyKindIsPlacedAtItsPositionAndOneWithoutIsRefused() throws Exception {
        configureFactory("dwcp.retry", OP, "dwcp.operation", OP, "max.retries", "0");
        await("retry in the chain", () -> kinds().contains("retry"));
        try (LogCapture log = new LogCapture()) {
            registered.add(context.registerService(Stage.class, new PassThrough(), props("audit", "before:retry")));
            registered.add(context.registerService(Stage.class, new PassThrough(), props("lost", null)));
            await("audit before retry", () -> kinds().indexOf("audit") >= 0
                    && kinds().indexOf("audit") + 1 == kinds().indexOf("retry"));
            await("a warning about the kind without a position",
                    () -> log.contains("dwcp.stage=lost is not one of") && log.contains("dwcp.stage.position=before:<kind>"));
            assertTrue(!kinds().contains("lost"));
        }
    }

    private static Dictionary<String, Object> props(String kind, String position) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Stage.KIND, kind);
        p.put(Stage.OPERATION, OP);
        if (position != null) {
            p.put(Stage.POSITION, position);
        }
        return p;
    }

    private static final class PassThrough implements Stage {
        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return next.proceed(inv);
        }
    }
}
