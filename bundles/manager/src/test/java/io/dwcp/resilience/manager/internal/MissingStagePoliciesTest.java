package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.MissingStagePolicy;
import io.dwcp.resilience.api.StageKind;
import org.junit.jupiter.api.Test;

class MissingStagePoliciesTest {

    @Test
    void theMostSpecificRuleWins() {
        MissingStagePolicies p = MissingStagePolicies.parse("dwcp.manager", "bypass", new String[] {
            "*:retry=reject", "consensus:*=reject, consensus:chaos=bypass", "send:retry=bypass"});
        assertEquals(MissingStagePolicy.BYPASS, p.policyFor("consensus", StageKind.CHAOS));
        assertEquals(MissingStagePolicy.REJECT, p.policyFor("consensus", StageKind.TIMEOUT));
        assertEquals(MissingStagePolicy.REJECT, p.policyFor("sync", StageKind.RETRY));
        assertEquals(MissingStagePolicy.BYPASS, p.policyFor("send", StageKind.RETRY));
        assertEquals(MissingStagePolicy.BYPASS, p.policyFor("sync", StageKind.BULKHEAD));
        assertEquals(MissingStagePolicy.REJECT,
                MissingStagePolicies.parse("p", " REJECT ", null).policyFor("sync", StageKind.BULKHEAD));
    }

    @Test
    void anUnknownDefaultPolicyIsRefusedNamingPidKeyAndReason() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> MissingStagePolicies.parse("dwcp.manager", "ignore", new String[0]));
        assertEquals("dwcp.manager", e.pid());
        assertEquals("missing.stage.policy", e.key());
        assertEquals("configuration dwcp.manager refused: missing.stage.policy=ignore: unknown missing-stage policy "
                + "'ignore': expected bypass or reject; the previous configuration stays in force", e.getMessage());
    }

    @Test
    void badOverridesAreRefusedNamingTheRule() {
        for (String[] bad : new String[][] {
            {"send=reject", "expected <operation>:<kind>=<bypass|reject>"},
            {"send:breaker=reject", "unknown stage kind 'breaker'"},
            {"Send Now:retry=reject", "invalid operation name 'Send Now'"},
            {"send:retry=maybe", "unknown missing-stage policy 'maybe'"},
            {"send:retry=reject,send:retry=bypass", "given twice"}}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> MissingStagePolicies.parse("dwcp.manager", "bypass", new String[] {bad[0]}), bad[0]);
            assertEquals("missing.stage.policy.overrides", e.key());
            assertEquals(true, e.getMessage().contains(bad[1]), e.getMessage());
        }
    }
}
