package io.dwcp.resilience.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever stages are registered, in whatever order, the chain is the one a plain reading of the rules gives. */
class ChainSelectionProperties {

    @Property(tries = 500)
    void theChainPicksTheBestStagePerKindInCanonicalOrder(@ForAll("registrations") List<StageRegistration> regs,
            @ForAll("operations") String operation) {
        List<StageRegistration> shuffled = new ArrayList<>(regs);
        Collections.shuffle(shuffled);
        List<StageDescriptor> chain = Chain.build(operation, shuffled, MissingStagePolicies.ALL_BYPASS).view().stages();

        List<StageDescriptor> expected = new ArrayList<>();
        for (StageKind kind : StageKind.values()) {
            StageRegistration best = null;
            for (StageRegistration r : regs) {
                if (r.kind() == kind && (r.operations().isEmpty() || r.operations().contains(operation))
                        && (best == null || better(r, best, operation))) {
                    best = r;
                }
            }
            if (best != null) {
                expected.add(best.describe());
            }
        }
        assertEquals(expected, chain);
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
        Arbitrary<StageRegistration> one = Combinators.combine(
                Arbitraries.of(StageKind.class),
                Arbitraries.of("send", "receive", "sync", "consensus").set().ofMaxSize(2),
                Arbitraries.integers().between(-2, 2),
                Arbitraries.longs().between(1, 1_000_000))
                .as((kind, ops, ranking, id) -> new StageRegistration(new Fixtures.TracingStage(kind + "-" + id),
                        kind, Set.copyOf(ops), ranking, id, "b", "1"));
        return one.list().ofMaxSize(20).uniqueElements(StageRegistration::serviceId);
    }
}
