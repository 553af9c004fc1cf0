package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.StageUnavailableException;
import io.dwcp.resilience.api.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** The platform in a real Felix: every bundle and component up, the manager answering, configuration guarded. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private StateStore stateStore;

    @Test
    public void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " (state " + b.getState() + ")");
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    @Test
    public void everyComponentIsSatisfied() throws InterruptedException {
        await("DWCP components", () -> scr.getComponentDescriptionDTOs().stream()
                .anyMatch(d -> d.bundle.symbolicName.equals("io.dwcp.resilience.manager")));
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.bundle.symbolicName.startsWith("io.dwcp")) {
                continue;
            }
            if (!scr.isComponentEnabled(description)) {
                problems.add(description.name + " is disabled");
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                        || c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    StringBuilder why = new StringBuilder(description.name + " is in state " + c.state);
                    for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                        why.append("; unsatisfied reference ").append(r.name).append(" ").append(r.target);
                    }
                    if (c.failure != null) {
                        why.append("; failure ").append(c.failure);
                    }
                    problems.add(why.toString());
                }
            }
        }
        assertTrue("components not satisfied: " + problems, problems.isEmpty());
    }

    @Test
    public void theManagerRunsCallsAndMeasuresThem() throws Exception {
        assertEquals("pong", manager.execute(Operations.SEND, "node-2", inv -> "pong"));
        assertTrue(manager.operations().containsAll(Operations.DWCP));
        assertTrue(manager.metrics(Operations.SEND).successes() >= 1);
        ChainView chain = manager.chain(Operations.SEND);
        assertTrue(chain.accepting());
    }

    @Test
    public void stateRecordsPersistInTheStoresDataArea() throws Exception {
        stateStore.save("itest/platform", new byte[] {4, 2});
        // a fresh store, as after a restart: the state bundle stopped and started, a new component
        Bundle stateBundle = FrameworkUtil.getBundle(stateStore.getClass());
        stateBundle.stop();
        assertEquals("the stopped bundle's store is gone", null, context.getServiceReference(StateStore.class));
        stateBundle.start();
        await("a new StateStore", () -> context.getServiceReference(StateStore.class) != null);
        ServiceReference<StateStore> ref = context.getServiceReference(StateStore.class);
        StateStore fresh = context.getService(ref);
        try {
            assertNotSame("the store read back is a new instance", stateStore, fresh);
            assertArrayEquals(new byte[] {4, 2}, fresh.load("itest/platform").orElseThrow());
            assertTrue(fresh.keys().contains("itest/platform"));
            fresh.delete("itest/platform");
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    public void aBadMissingStagePolicyIsRefusedAndThePreviousConfigurationStays() throws Exception {
        try (LogCapture log = new LogCapture()) {
            configure("dwcp.manager", "missing.stage.policy", "bypass",
                    "missing.stage.policy.overrides", new String[] {"sync:retry=reject"});
            await("the reject rule for sync", () -> !manager.chain("sync").accepting());

            configure("dwcp.manager", "missing.stage.policy", "sometimes");
            await("the refusal in the log", () -> log.contains("configuration dwcp.manager refused"));
            String line = log.find("configuration dwcp.manager refused");
            assertTrue(line, line.startsWith("ERROR io.dwcp.resilience.manager: "));
            assertTrue(line, line.contains("missing.stage.policy=sometimes"));
            assertTrue(line, line.contains("missing.stage.policy=sometimes: must be one of bypass, reject"));

            // the refused configuration changed nothing: sync still rejects for want of a retry stage
            assertEquals(Optional.of(false), Optional.of(manager.chain("sync").accepting()));
            try {
                manager.execute("sync", inv -> "never");
                fail("sync should still be rejected");
            } catch (StageUnavailableException expected) {
                assertEquals("sync: no retry stage is available and the policy for this operation is reject",
                        expected.getMessage());
            }
        } finally {
            configure("dwcp.manager", "missing.stage.policy", "bypass");
            await("the default policy", () -> manager.chain("sync").accepting());
        }
        assertNotNull(manager.execute("sync", inv -> "ok"));
    }
}
