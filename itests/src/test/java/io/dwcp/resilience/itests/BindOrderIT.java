package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.event.ResilienceEvents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogLevel;

/**
 * The manager comes up after its stages, as in Karaf's {@code feature:install} or an update of the
 * manager bundle: DS then binds every stage before anything else, and no bind order may fail or lose
 * the chain-changed line and event.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BindOrderIT extends DwcpTestSupport {

    private static final String MANAGER = "io.dwcp.resilience.manager";

    @Configuration
    public Option[] config() {
        List<Option> options = baseOptions();
        for (Option option : options) {
            if (option instanceof UrlProvisionOption bundle && bundle.getURL().endsWith("/" + MANAGER + ".jar")) {
                bundle.start(false); // installed, started by the test once every stage is registered
            }
        }
        return options.toArray(new Option[0]);
    }

    @Test
    public void theManagerStartedAfterItsStagesLogsNoErrorAndAnnouncesItsChains() throws Exception {
        Bundle manager = bundle(MANAGER);
        assertTrue("the manager waits for the test", manager.getState() != Bundle.ACTIVE);
        Set<String> announced = Collections.synchronizedSet(new HashSet<>());
        Hashtable<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, ResilienceEvents.CHAIN_CHANGED);
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class,
                event -> Collections.addAll(announced, (String[]) event.getProperty(ResilienceEvents.OPERATION)),
                topic);
        try (LogCapture log = new LogCapture()) {
            applyRuntimeConfiguration();
            await("the shipped stages for send registered", () -> stageKindsRegisteredFor(Operations.SEND)
                    .containsAll(List.of(StageKind.BULKHEAD, StageKind.CIRCUIT_BREAKER, StageKind.RETRY,
                            StageKind.TIMEOUT)));

            manager.start();
            assertFullChains();
            await("the chain-changed event for every operation", () -> announced.containsAll(Operations.DWCP));

            // the same bind order again: a restart and an update of the manager bundle
            manager.stop();
            announced.clear();
            manager.start();
            assertFullChains();
            manager.update();
            assertFullChains();
            await("the chain-changed event after the restarts", () -> announced.containsAll(Operations.DWCP));

            List<String> problems = log.atLeast(LogLevel.WARN);
            assertTrue("warnings or errors while the manager bound existing stages: " + problems, problems.isEmpty());
        } finally {
            handler.unregister();
        }
    }

    private void assertFullChains() throws InterruptedException {
        await("the manager service", () -> context.getServiceReference(ResilienceManager.class) != null);
        ServiceReference<ResilienceManager> ref = context.getServiceReference(ResilienceManager.class);
        ResilienceManager manager = context.getService(ref);
        assertNotNull(manager);
        try {
            await("send's chain built from the existing stages", () -> kinds(manager, Operations.SEND)
                    .containsAll(stageKindsRegisteredFor(Operations.SEND)));
        } finally {
            context.ungetService(ref);
        }
    }

    private static Set<StageKind> kinds(ResilienceManager manager, String operation) {
        Set<StageKind> kinds = new HashSet<>();
        for (StageDescriptor stage : manager.chain(operation).stages()) {
            kinds.add(stage.kind());
        }
        return kinds;
    }

    private Set<StageKind> stageKindsRegisteredFor(String operation) {
        Set<StageKind> kinds = new HashSet<>();
        try {
            for (ServiceReference<Stage> ref : context.getServiceReferences(Stage.class, null)) {
                List<String> operations = new ArrayList<>();
                Object property = ref.getProperty(Stage.OPERATION);
                if (property instanceof String[] many) {
                    Collections.addAll(operations, many);
                } else if (property != null) {
                    operations.add(property.toString());
                }
                if (operations.contains(operation) || operations.contains(Stage.ANY_OPERATION)) {
                    StageKind.fromId(String.valueOf(ref.getProperty(Stage.KIND))).ifPresent(kinds::add);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        return kinds;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
