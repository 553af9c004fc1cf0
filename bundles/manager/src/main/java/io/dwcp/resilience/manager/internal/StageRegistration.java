package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.util.Comparator;
import java.util.Set;

/**
 * A stage service as the manager knows it: what it is, whom it serves and how it ranks.
 *
 * @param stage      the service object
 * @param kind       its stage kind
 * @param operations the operations it is registered for; empty means every operation ({@code *})
 * @param ranking    its service ranking
 * @param serviceId  its service id (the older service wins a tie)
 * @param bundle     the providing bundle's symbolic name
 * @param version    the providing bundle's version
 */
record StageRegistration(Stage stage, StageKind kind, Set<String> operations, int ranking, long serviceId,
        String bundle, String version) {

    /**
     * Orders candidates for one slot, best first: a stage registered for the operation by name
     * beats a {@code *} one, then the higher ranking, then the lower service id (as OSGi orders
     * services).
     */
    static Comparator<StageRegistration> bestFirstFor(String operation) {
        return Comparator.comparing((StageRegistration r) -> !r.operations.contains(operation))
                .thenComparing(Comparator.comparingInt(StageRegistration::ranking).reversed())
                .thenComparingLong(StageRegistration::serviceId);
    }

    boolean serves(String operation) {
        return operations.isEmpty() || operations.contains(operation);
    }

    StageDescriptor describe() {
        String scope = operations.isEmpty() ? Stage.ANY_OPERATION : String.join(",", operations);
        return new StageDescriptor(kind, scope, bundle, version, ranking, serviceId);
    }
}
