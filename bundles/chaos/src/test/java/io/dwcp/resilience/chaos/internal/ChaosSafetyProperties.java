package io.dwcp.resilience.chaos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.chaos.internal.Fakes.CountingInjector;
import io.dwcp.resilience.chaos.internal.Fakes.RecordingAudit;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever an operator, the configuration and the clock do, a call gets a fault exactly when chaos
 * is allowed, armed and not yet expired; and every disarm reverts the injectors.
 */
class ChaosSafetyProperties {

    sealed interface Action permits Arm, Disarm, Advance, Call, Allow, Tick {
    }

    record Arm(int seconds) implements Action {
    }

    record Disarm() implements Action {
    }

    record Advance(int seconds) implements Action {
    }

    record Call() implements Action {
    }

    record Allow(boolean allowed) implements Action {
    }

    /** The expiry timer firing. */
    record Tick() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> scripts() {
        Arbitrary<Action> action = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 100).map(Arm::new),
                Arbitraries.just(new Disarm()),
                Arbitraries.integers().between(0, 60).map(Advance::new),
                Arbitraries.just(new Call()), Arbitraries.just(new Call()), Arbitraries.just(new Call()),
                Arbitraries.of(true, false).map(Allow::new),
                Arbitraries.just(new Tick()));
        return action.list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void faultsOnlyWhileAllowedArmedAndUnexpired(@ForAll("scripts") List<Action> script) throws Exception {
        ManualTimeSource clock = new ManualTimeSource();
        CountingInjector injector = new CountingInjector("error");
        ChaosEngine engine = new ChaosEngine(clock, () -> 0.5, new RecordingAudit(),
                Fakes.settings(false, 1.0, "*", "*", "", 3600, true));
        engine.addInjector(new Registration<>("error", 0, 1, injector));

        boolean allowed = false;
        long expiresAt = -1; // model: nano time the arming ends, -1 when disarmed
        int expectedReverts = 0;
        for (Action a : script) {
            if (a instanceof Arm arm) {
                try {
                    engine.arm(ArmRequest.of(Duration.ofSeconds(arm.seconds())));
                    assertEquals(true, allowed, "armed although not allowed");
                    expiresAt = clock.nanoTime() + Duration.ofSeconds(arm.seconds()).toNanos();
                } catch (ChaosNotAllowedException e) {
                    assertEquals(false, allowed);
                }
            } else if (a instanceof Disarm) {
                engine.disarm("operator");
                expiresAt = -1;
                expectedReverts++;
            } else if (a instanceof Advance adv) {
                clock.advance(Duration.ofSeconds(adv.seconds()));
            } else if (a instanceof Allow allow) {
                allowed = allow.allowed();
                engine.configure(Fakes.settings(allowed, 1.0, "*", "*", "", 3600, true));
                if (!allowed && expiresAt >= 0) {
                    expiresAt = -1;
                    expectedReverts++;
                }
            } else if (a instanceof Tick) {
                engine.expireIfDue();
                if (expiresAt >= 0 && clock.nanoTime() >= expiresAt) {
                    expiresAt = -1;
                    expectedReverts++;
                }
            } else {
                boolean expectFault = allowed && expiresAt >= 0 && clock.nanoTime() < expiresAt;
                boolean faulted;
                try {
                    engine.execute(new TestInvocation("send", "", clock), Fakes.OK);
                    faulted = false;
                } catch (InjectedFaultException e) {
                    faulted = true;
                }
                assertEquals(expectFault, faulted, "fault at " + clock.nanoTime() + " with model expiry " + expiresAt);
            }
        }
        assertEquals(expectedReverts, injector.reverts.get());
    }
}
