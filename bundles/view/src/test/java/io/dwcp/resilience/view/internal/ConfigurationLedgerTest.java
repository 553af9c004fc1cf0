package io.dwcp.resilience.view.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.view.ConfigurationView;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationLedgerTest {

    private static final String PID = "dwcp.circuitbreaker~send";
    private static final Map<String, Object> GOOD = Map.of("failure.rate.threshold", 50);
    private static final Map<String, Object> BETTER = Map.of("failure.rate.threshold", 40);
    private static final Map<String, Object> BAD = Map.of("failure.rate.threshold", -1);

    private final ConfigurationLedger ledger = new ConfigurationLedger();

    @Test
    void aRefusedChangeLeavesThePreviousValuesInForce() {
        ledger.seed(PID, GOOD);
        ledger.updated(PID, BAD);
        ledger.refused(PID, "failure.rate.threshold", "must be in (0, 100]", 7, BAD);

        ConfigurationView v = ledger.view(PID, "dwcp.circuitbreaker", BAD);
        assertEquals(GOOD, v.inForce());
        assertEquals(BAD, v.configured());
        assertTrue(v.inForceKnown());
        assertTrue(v.refusedChangePending());
        assertEquals("failure.rate.threshold", v.lastRefusal().key());
        assertEquals(7, v.lastRefusal().timestampMillis());
    }

    @Test
    void theRefusalMayArriveBeforeTheUpdate() {
        ledger.seed(PID, GOOD);
        ledger.refused(PID, "failure.rate.threshold", "bad", 7, BAD);
        ledger.updated(PID, BAD);

        assertEquals(GOOD, ledger.view(PID, null, BAD).inForce());
    }

    @Test
    void aLaterGoodChangeIsInForceAndTheRefusalStaysAsHistory() {
        ledger.seed(PID, GOOD);
        ledger.updated(PID, BAD);
        ledger.refused(PID, "failure.rate.threshold", "bad", 7, BAD);
        ledger.updated(PID, BETTER);

        ConfigurationView v = ledger.view(PID, null, BETTER);
        assertEquals(BETTER, v.inForce());
        assertFalse(v.refusedChangePending());
        assertTrue(v.refusal().isPresent());
    }

    @Test
    void refusedAtFirstSightMeansTheDefaultsAreInForce() {
        ledger.refused(PID, "failure.rate.threshold", "bad", 7, BAD);

        ConfigurationView v = ledger.view(PID, null, BAD);
        assertFalse(v.inForceKnown());
        assertEquals(Map.of(), v.inForce());
    }

    @Test
    void anUnknownPidShowsWhatConfigurationAdminHolds() {
        ConfigurationView v = ledger.view(PID, null, GOOD);
        assertEquals(GOOD, v.inForce());
        assertTrue(v.inForceKnown());
    }

    @Test
    void fileNamesMapToFactoryPids() {
        assertEquals("dwcp.circuitbreaker~send", ResilienceViewComponent.fileNameToPid("dwcp.circuitbreaker-send.cfg"));
        assertEquals("dwcp.bulkhead.queue~send", ResilienceViewComponent.fileNameToPid("dwcp.bulkhead.queue-send"));
        assertEquals("dwcp.manager", ResilienceViewComponent.fileNameToPid("dwcp.manager"));
    }
}
