package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.HALF_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.circuitbreaker.internal.TestSupport.RecordingSink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the breaker over random sequences of calls, outcomes, clock moves and operator
 * orders, on random settings.
 */
class BreakerStateMachineProperties {

    private static final long SLOW_MS = 1_000;

    enum Outcome { SUCCESS, FAILURE, IGNORED, SLOW_SUCCESS, SLOW_FAILURE }

    sealed interface Action permits Start, Finish, Advance, Manual, OpenFor {
    }

    record Start() implements Action {
    }

    record Finish(int pick, Outcome outcome) implements Action {
    }

    record Advance(long millis) implements Action {
    }

    record Manual(CircuitBreakerState target) implements Action {
    }

    record OpenFor(long millis) implements Action {
    }

    private static final Set<String> AUTOMATIC = Set.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN",
            "HALF_OPEN->CLOSED");

    /** Runs actions against a machine and checks the invariants after each. */
    private static final class Run {
        final ManualTimeSource clock = new ManualTimeSource();
        final RecordingSink sink = new RecordingSink();
        final BreakerStateMachine machine;
        final List<BreakerState> inFlight = new ArrayList<>();
        final Map<BreakerState, Integer> admittedPerHalfOpen = new IdentityHashMap<>();

        Run(CircuitBreakerSettings settings) {
            machine = new BreakerStateMachine("send", settings, clock, sink, null);
        }

        void apply(Action action) {
            int before = sink.transitions.size();
            if (action instanceof Start) {
                try {
                    BreakerState admitted = machine.acquire(clock.nanoTime());
                    inFlight.add(admitted);
                    if (admitted.kind == HALF_OPEN) {
                        int n = admittedPerHalfOpen.merge(admitted, 1, Integer::sum);
                        assertTrue(n <= admitted.probes, "HALF_OPEN admitted " + n + " calls with "
                                + admitted.probes + " probes");
                    }
                } catch (CallNotPermittedException e) {
                    assertFalse(machine.state() == CLOSED, "a CLOSED breaker rejected a call");
                }
            } else if (action instanceof Finish f) {
                if (!inFlight.isEmpty()) {
                    BreakerState admitted = inFlight.remove(Math.floorMod(f.pick(), inFlight.size()));
                    boolean slow = f.outcome() == Outcome.SLOW_SUCCESS || f.outcome() == Outcome.SLOW_FAILURE;
                    Throwable failure = switch (f.outcome()) {
                        case FAILURE, SLOW_FAILURE -> new IOException("down");
                        case IGNORED -> new InterruptedException();
                        default -> null;
                    };
                    long duration = TimeUnit.MILLISECONDS.toNanos(slow ? SLOW_MS : 1);
                    machine.onResult(admitted, failure, duration, clock.nanoTime());
                }
            } else if (action instanceof Advance a) {
                clock.advance(Duration.ofMillis(a.millis()));
            } else if (action instanceof Manual m) {
                machine.transitionTo(m.target());
            } else if (action instanceof OpenFor o) {
                machine.openFor(Duration.ofMillis(o.millis()));
            }
            List<CircuitBreakerTransition> produced = sink.transitions.subList(before, sink.transitions.size());
            boolean manual = action instanceof Manual || action instanceof OpenFor;
            if (manual) {
                assertEquals(1, produced.size(), "an operator's order is exactly one transition");
                CircuitBreakerTransition t = produced.get(0);
                assertTrue(t.manual());
                assertEquals(action instanceof Manual m ? m.target() : OPEN, t.to());
            } else {
                for (CircuitBreakerTransition t : produced) {
                    assertFalse(t.manual(), "calls caused a manual transition: " + t);
                    assertTrue(AUTOMATIC.contains(t.from() + "->" + t.to()), "illegal automatic transition " + t);
                }
            }
            List<CircuitBreakerTransition> all = sink.transitions;
            for (int i = 1; i < all.size(); i++) {
                assertEquals(all.get(i - 1).to(), all.get(i).from(), "transitions do not chain at " + i);
            }
            if (!all.isEmpty()) {
                assertEquals(all.get(all.size() - 1).to(), machine.state());
            }
        }
    }

    @Provide
    Arbitrary<CircuitBreakerSettings> settings() {
        Arbitrary<Integer> consecutive = Arbitraries.integers().between(0, 4);
        Arbitrary<Double> failureRate = Arbitraries.of(0.0, 30.0, 50.0, 100.0);
        Arbitrary<Double> slowRate = Arbitraries.of(0.0, 50.0);
        Arbitrary<String> windowType = Arbitraries.of("COUNT", "TIME");
        Arbitrary<Integer> windowSize = Arbitraries.integers().between(1, 10);
        Arbitrary<Integer> probes = Arbitraries.integers().between(1, 4);
        Arbitrary<Long> maxWait = Arbitraries.of(0L, 500L, 3_000L);
        Arbitrary<Double> backoff = Arbitraries.of(1.0, 2.0);
        return Combinators.combine(consecutive, failureRate, slowRate, windowType, windowSize, probes, maxWait, backoff)
                .as((c, fr, sr, wt, ws, p, mw, b) -> {
                    int cons = (c == 0 && fr == 0.0 && sr == 0.0) ? 1 : c;
                    return TestSupport.settings("failure.consecutive.threshold", cons, "failure.rate.threshold", fr,
                            "slow.call.rate.threshold", sr, "slow.call.duration.ms", SLOW_MS, "window.type", wt,
                            "window.size", ws, "window.minimum.calls", Math.max(1, ws / 2), "reset.timeout.ms", 1_000,
                            "half.open.probes", p, "half.open.max.wait.ms", mw, "open.backoff.multiplier", b,
                            "open.max.duration.ms", 8_000);
                });
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> start = Arbitraries.just(new Start());
        Arbitrary<Action> finish = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.of(Outcome.class)).as(Finish::new);
        Arbitrary<Action> advance = Arbitraries.longs().between(0, 2_500).map(Advance::new);
        Arbitrary<Action> manual = Arbitraries.of(CircuitBreakerState.class).map(Manual::new);
        Arbitrary<Action> openFor = Arbitraries.longs().between(1, 3_000).map(OpenFor::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, start), net.jqwik.api.Tuple.of(10, finish),
                net.jqwik.api.Tuple.of(4, advance), net.jqwik.api.Tuple.of(1, manual),
                net.jqwik.api.Tuple.of(1, openFor)).list().ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<Action>> automaticActions() {
        return actions().map(list -> list.stream()
                .filter(a -> !(a instanceof Manual) && !(a instanceof OpenFor)).toList());
    }

    @Property(tries = 300)
    void halfOpenNeverAdmitsMoreThanItsProbesAndOnlyLegalTransitionsHappen(
            @ForAll("settings") CircuitBreakerSettings settings, @ForAll("actions") List<Action> actions) {
        Run run = new Run(settings);
        actions.forEach(run::apply);
    }

    @Property(tries = 300)
    void withoutAnOperatorTheManualOnlyStatesNeverAppear(@ForAll("settings") CircuitBreakerSettings settings,
            @ForAll("automaticActions") List<Action> actions) {
        Run run = new Run(settings);
        actions.forEach(run::apply);
        for (CircuitBreakerTransition t : run.sink.transitions) {
            assertFalse(t.to().isManualOnly(), t.toString());
        }
    }

    @Property(tries = 300)
    void aWindowOfSuccessesNeverTrips(@ForAll("settings") CircuitBreakerSettings settings,
            @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 999) Integer> advancesMillis) {
        Run run = new Run(settings);
        for (int advance : advancesMillis) {
            run.apply(new Start());
            if (advance % 3 == 0) {
                run.apply(new Start()); // overlapping calls
            }
            run.apply(new Advance(advance));
            run.apply(new Finish(advance, Outcome.SUCCESS));
        }
        while (!run.inFlight.isEmpty()) {
            run.apply(new Finish(0, Outcome.SUCCESS));
        }
        assertTrue(run.sink.transitions.isEmpty(), run.sink.transitions.toString());
        assertEquals(CLOSED, run.machine.state());
        assertEquals(0.0, run.machine.metrics().value("failureRate"));
    }

    @Property(tries = 300)
    void aCountWindowTripsAtTheFirstFailureThatTakesTheRateToTheThreshold(
            @ForAll @Size(min = 1, max = 200) List<Boolean> failures,
            @ForAll @IntRange(min = 1, max = 20) int windowSize, @ForAll @IntRange(min = 1, max = 20) int minimum,
            @ForAll @IntRange(min = 1, max = 100) int thresholdPercent) {
        int min = Math.min(minimum, windowSize);
        CircuitBreakerSettings s = TestSupport.settings("failure.consecutive.threshold", 0, "failure.rate.threshold",
                thresholdPercent, "slow.call.rate.threshold", 0, "window.size", windowSize, "window.minimum.calls", min);
        Run run = new Run(s);
        List<Boolean> model = new ArrayList<>();
        for (boolean failed : failures) {
            model.add(failed);
            List<Boolean> window = model.subList(Math.max(0, model.size() - windowSize), model.size());
            long f = window.stream().filter(b -> b).count();
            boolean expectTrip = failed && window.size() >= min && f * 100.0 / window.size() >= thresholdPercent;
            run.apply(new Start());
            run.apply(new Finish(0, failed ? Outcome.FAILURE : Outcome.SUCCESS));
            assertEquals(expectTrip ? OPEN : CLOSED, run.machine.state(), "after " + model);
            if (expectTrip) {
                return;
            }
        }
    }

    @Property(tries = 200)
    void theOpenTimeGrowsMonotonicallyUpToItsCap(@ForAll @IntRange(min = 1, max = 60_000) int resetMs,
            @ForAll @IntRange(min = 100, max = 1_000) int multiplierPercent, @ForAll @IntRange(min = 0, max = 600_000) int extraMs) {
        CircuitBreakerSettings s = TestSupport.settings("reset.timeout.ms", resetMs, "open.backoff.multiplier",
                multiplierPercent / 100.0, "open.max.duration.ms", resetMs + extraMs);
        long previous = 0;
        for (int trips = 1; trips < 200; trips++) {
            long d = s.openDurationNanos(trips);
            assertTrue(d >= previous, "shrank at trip " + trips);
            assertTrue(d >= s.resetTimeoutNanos() && d <= s.maxOpenNanos(), "out of bounds at trip " + trips);
            previous = d;
        }
        assertEquals(s.resetTimeoutNanos(), s.openDurationNanos(1));
    }
}
