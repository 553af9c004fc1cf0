package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import java.time.Duration;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * "Chaos is off by default", on an engine that has never seen a {@code dwcp.chaos} configuration: a
 * container of its own, in which nothing writes one (ChaosIT runs after its own tests wrote
 * {@code allowed=false}, which proves nothing about the default).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChaosUnconfiguredIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    @Inject
    private ChaosControl chaos;

    @Test
    public void withoutAnyConfigurationChaosIsNotAllowedAndTouchesNoCall() throws Exception {
        assertNull("precondition: no dwcp.chaos configuration exists",
                configurationAdmin.listConfigurations("(service.pid=dwcp.chaos)"));
        // the engine is there, first in the chain, and off
        assertEquals("chaos", manager.chain(Operations.SEND).stages().get(0).kind().id());
        ChaosStatus status = chaos.status();
        assertFalse("allowed without configuration", status.allowed());
        assertFalse("armed without configuration", status.armed());

        try {
            chaos.arm(ArmRequest.of(Duration.ofMinutes(1)).withProbability(1.0));
            fail("arming must be refused while chaos is not allowed");
        } catch (ChaosNotAllowedException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("allowed=false"));
        }
        assertFalse("a refused arm left it armed", chaos.status().armed());

        for (String operation : Operations.DWCP) {
            for (int i = 0; i < 500; i++) {
                assertEquals("ok", manager.execute(operation, "node-1", inv -> "ok"));
            }
        }
        assertEquals("injections without configuration", 0, chaos.status().totalInjections());
        assertNull("nothing wrote a dwcp.chaos configuration meanwhile",
                configurationAdmin.listConfigurations("(service.pid=dwcp.chaos)"));
    }
}
