package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import io.dwcp.resilience.api.LoadShedException;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.felix.hc.api.Result;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Health checks and graceful degradation in a real Felix: a failing check drives the level to
 * DEGRADED and load shedding starts, least important traffic first; recovery stops it; Felix Health
 * Checks tooling sees our checks.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthDegradationIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    @Inject
    private HealthMonitor health;

    @Inject
    private DegradationManager degradation;

    @Configuration
    public Option[] config() {
        List<Option> options = baseOptions();
        // Felix Health Checks API (and the slf4j it imports) for this class only: the health bundle
        // imports it optionally and then shows its checks to Felix HC tools
        File optional = new File(new File(System.getProperty("dwcp.bundles.dir", "target/bundles")).getParentFile(),
                "optional-bundles");
        for (String jar : new String[] {"slf4j-api.jar", "slf4j-simple.jar", "org.apache.felix.healthcheck.api.jar"}) {
            options.add(bundle(new File(optional, jar).toURI().toString()));
        }
        return options.toArray(new Option[0]);
    }

    /** A check whose status the test sets. */
    private static final class SwitchableCheck implements HealthCheck {
        volatile HealthStatus status = HealthStatus.UNHEALTHY;

        @Override
        public String name() {
            return "itest-switchable";
        }

        @Override
        public HealthResult check() {
            return new HealthResult(status, "the test says " + status, Map.of(), System.currentTimeMillis());
        }
    }

    @Test
    public void aFailingCheckDrivesTheLevelToDegradedAndSheddingStartsThenStopsOnRecovery() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, ResilienceEvents.TOPIC_ROOT + "/*");
        ServiceRegistration<EventHandler> listener = context.registerService(EventHandler.class, events::add, topics);

        // shed all receive traffic at DEGRADED, none of consensus: the outcome of each call is certain
        org.osgi.service.cm.Configuration shedding = configurationAdmin.getFactoryConfiguration("dwcp.loadshed", "itest", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("dwcp.operation", "*");
        props.put("priorities", "consensus,send,sync,receive");
        props.put("shed.degraded", "1.0");
        props.put("shed.severely.degraded", "1.0");
        props.put("shed.emergency", "1.0,1.0");
        shedding.update(props);
        await("the load-shed stage in the receive chain", () -> manager.chain(Operations.RECEIVE).stages().stream()
                .anyMatch(s -> s.kind() == StageKind.LOAD_SHED));
        assertEquals(DegradationLevel.NORMAL, degradation.level());
        assertEquals("in", manager.execute(Operations.RECEIVE, inv -> "in"));

        SwitchableCheck check = new SwitchableCheck();
        Dictionary<String, Object> checkProps = new Hashtable<>();
        checkProps.put(HealthCheck.NAME, check.name());
        checkProps.put(HealthCheck.INTERVAL_MILLIS, 100L);
        ServiceRegistration<HealthCheck> registration = context.registerService(HealthCheck.class, check, checkProps);
        try {
            await("the check to be UNHEALTHY", () -> health.report(check.name())
                    .map(r -> r.status() == HealthStatus.UNHEALTHY).orElse(false));
            await("the overall level DEGRADED", () -> degradation.level() == DegradationLevel.DEGRADED);
            assertEquals(DegradationLevel.DEGRADED, degradation.level("health/" + check.name()));

            try {
                manager.execute(Operations.RECEIVE, inv -> "in");
                fail("receive should be shed at DEGRADED");
            } catch (LoadShedException e) {
                assertEquals(Operations.RECEIVE, e.operation());
                assertEquals("DEGRADED", e.level());
                assertTrue(e.getMessage(), e.getMessage().startsWith("receive: shed at degradation level DEGRADED"));
            }
            assertEquals("agreed", manager.execute(Operations.CONSENSUS, inv -> "agreed"));
            assertTrue(manager.metrics(Operations.RECEIVE).rejections() >= 1);
            assertTrue("features switch off", !degradation.isFeatureEnabled("chaos"));

            await("the health and degradation events", () -> has(events, ResilienceEvents.HEALTH_STATUS_CHANGED,
                    ResilienceEvents.NAME, check.name(), "UNHEALTHY")
                    && has(events, ResilienceEvents.DEGRADATION_LEVEL_CHANGED, ResilienceEvents.COMPONENT, "*", "DEGRADED"));

            // recovery: the check turns healthy; with the recovery hold set to 0 the level follows at the next evaluation
            configure("dwcp.degradation", "recovery.hold.ms", 0L);
            check.status = HealthStatus.HEALTHY;
            await("the overall level NORMAL again", () -> degradation.level() == DegradationLevel.NORMAL);
            assertEquals("in", manager.execute(Operations.RECEIVE, inv -> "in"));
        } finally {
            registration.unregister();
            listener.unregister();
            shedding.delete();
        }
    }

    @Test
    public void anOperatorOverrideDegradesAtOnceAndIsCleared() throws Exception {
        degradation.override(DegradationManager.OVERALL, DegradationLevel.EMERGENCY, java.time.Duration.ofMinutes(5), "itest drill");
        try {
            assertEquals(DegradationLevel.EMERGENCY, degradation.level());
            assertTrue(degradation.components().get(0).overridden());
            assertEquals(java.util.Set.of("heartbeat"), degradation.enabledFeatures());
        } finally {
            assertTrue(degradation.clearOverride(DegradationManager.OVERALL));
        }
        assertEquals(DegradationLevel.NORMAL, degradation.level());
    }

    @Test
    public void felixHealthCheckToolingSeesOurChecks() throws Exception {
        SwitchableCheck check = new SwitchableCheck();
        Dictionary<String, Object> checkProps = new Hashtable<>();
        checkProps.put(HealthCheck.NAME, check.name());
        checkProps.put(HealthCheck.INTERVAL_MILLIS, 100L);
        ServiceRegistration<HealthCheck> registration = context.registerService(HealthCheck.class, check, checkProps);
        try {
            String filter = "(" + org.apache.felix.hc.api.HealthCheck.NAME + "=DWCP " + check.name() + ")";
            await("a Felix HC service for the check", () -> !felixChecks(filter).isEmpty());
            ServiceReference<org.apache.felix.hc.api.HealthCheck> ref = felixChecks(filter).iterator().next();
            List<String> tags = new ArrayList<>(List.of((String[]) ref.getProperty(org.apache.felix.hc.api.HealthCheck.TAGS)));
            assertTrue(tags.toString(), tags.contains("dwcp"));
            org.apache.felix.hc.api.HealthCheck felix = context.getService(ref);
            try {
                await("the check's first run", () -> health.report(check.name()).map(r -> r.runs() > 0).orElse(false));
                Result result = felix.execute();
                assertEquals(Result.Status.CRITICAL, result.getStatus());
            } finally {
                context.ungetService(ref);
            }
        } finally {
            registration.unregister();
        }
        String filter = "(" + org.apache.felix.hc.api.HealthCheck.NAME + "=DWCP " + check.name() + ")";
        await("the Felix HC service to go with the check", () -> felixChecks(filter).isEmpty());
    }

    private Collection<ServiceReference<org.apache.felix.hc.api.HealthCheck>> felixChecks(String filter) {
        try {
            return context.getServiceReferences(org.apache.felix.hc.api.HealthCheck.class, filter);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean has(List<Event> events, String topic, String key, String value, String to) {
        return events.stream().anyMatch(e -> e.getTopic().equals(topic) && value.equals(e.getProperty(key))
                && to.equals(e.getProperty(ResilienceEvents.TO)));
    }
}
