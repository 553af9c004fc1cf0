package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StagePosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever stages are registered, in whatever order, the chain is the one a plain reading of the rules gives. */
class ChainSelectionProperties {

    @Property(tries = 500)
    void theChainPicksTheBestStagePerKindInSlotOrder(@ForAll("registrations") List<StageRegistration> regs,
            @ForAll("operations") String operation) {
        List<StageRegistration> shuffled = new ArrayList<>(regs);
        Collections.shuffle(shuffled);
        ChainView view = Chain.build(operation, shuffled, MissingStagePolicies.ALL_BYPASS).view();

        // A plain reading: the best stage of every kind, built-in or not; then the slots in order of
        // rank (a built-in kind's own rank lies between before:kind and after:kind), ties by kind id.
        Map<String, StageRegistration> bestOfKind = new TreeMap<>();
        for (StageRegistration r : regs) {
            if ((r.operations().isEmpty() || r.operations().contains(operation))) {
                bestOfKind.merge(r.kindId(), r, (a, b) -> better(a, b, operation) ? a : b);
            }
        }
        List<StageRegistration> slots = new ArrayList<>(bestOfKind.values());
        slots.sort(Comparator.comparingInt((StageRegistration r) -> r.kind() != null
                ? 3 * r.kind().ordinal() + 1 : 3 * r.position().anchor().ordinal() + (r.position().after() ? 2 : 0))
                .thenComparing(StageRegistration::kindId));
        List<StageDescriptor> expectedAll = slots.stream().map(StageRegistration::describe).toList();
        assertEquals(expectedAll, view.allStages());
        assertEquals(expectedAll.stream().filter(StageDescriptor::builtIn).toList(), view.stages(),
                "stages() keeps to the built-in kinds, as in 1.2");
    }

    private static boolean better(StageRegistration a, StageRegistration b, String operation) {
        boolean aSpecific = a.operations().contains(operation);
        boolean bSpecific = b.operations().contains(operation);
        if (aSpecific != bSpecific) {
            return aSpecific;
        }
        if (a.ranking() != b.ranking()) {
            return a.ranking() > b.ranking();
        }
        return a.serviceId() < b.serviceId();
    }

    @Provide
    Arbitrary<String> operations() {
        return Arbitraries.of("send", "receive", "sync", "consensus");
    }

    @Provide
    Arbitrary<List<StageRegistration>> registrations() {
        Arbitrary<StageRegistration> builtIn = Combinators.combine(
                Arbitraries.of(StageKind.class),
                Arbitraries.of("send", "receive", "sync", "consensus").set().ofMaxSize(2),
                Arbitraries.integers().between(-2, 2),
                Arbitraries.longs().between(1, 1_000_000))
                .as((kind, ops, ranking, id) -> new StageRegistration(new Fixtures.TracingStage(kind + "-" + id),
                        kind, Set.copyOf(ops), ranking, id, "b", "1"));
        // Kinds of their own; two registrations of one kind may even state different positions.
        Arbitrary<StageRegistration> custom = Combinators.combine(
                Arbitraries.of("fallback", "hedge", "audit"),
                Arbitraries.of(StageKind.class), Arbitraries.of(true, false),
                Arbitraries.of("send", "receive", "sync", "consensus").set().ofMaxSize(2),
                Arbitraries.integers().between(-2, 2),
                Arbitraries.longs().between(1, 1_000_000))
                .as((kind, anchor, after, ops, ranking, id) -> new StageRegistration(
                        new Fixtures.TracingStage(kind + "-" + id), null, Set.copyOf(ops), ranking, id, "b", "1", kind,
                        new StagePosition(anchor, after)));
        return Arbitraries.oneOf(builtIn, custom).list().ofMaxSize(20).uniqueElements(StageRegistration::serviceId);
    }
}
