package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StagePosition;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;

/**
 * A stage service as the manager knows it: what it is, whom it serves and how it ranks.
 *
 * @param stage      the service object
 * @param kind       its built-in stage kind, or {@code null} for a kind of its own
 * @param operations the operations it is registered for; empty means every operation ({@code *})
 * @param ranking    its service ranking
 * @param serviceId  its service id (the older service wins a tie)
 * @param bundle     the providing bundle's symbolic name
 * @param version    the providing bundle's version
 * @param kindId     its {@code dwcp.stage} value
 * @param position   the slot a kind of its own stated; {@code null} for a built-in kind
 */
record StageRegistration(Stage stage, StageKind kind, Set<String> operations, int ranking, long serviceId,
        String bundle, String version, String kindId, StagePosition position) {

    StageRegistration {
        if (kind != null) {
            kindId = kind.id();
            position = null;
        } else {
            Objects.requireNonNull(kindId, "kindId");
            Objects.requireNonNull(position, "position");
        }
    }

    /** A stage of a built-in kind. */
    StageRegistration(Stage stage, StageKind kind, Set<String> operations, int ranking, long serviceId,
            String bundle, String version) {
        this(stage, Objects.requireNonNull(kind, "kind"), operations, ranking, serviceId, bundle, version, kind.id(),
                null);
    }

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

    /** @return the rank of this stage's slot (lower is outer), see {@link StagePosition#rank()} */
    int slotRank() {
        return kind != null ? StagePosition.rankOf(kind) : position.rank();
    }

    StageDescriptor describe() {
        String scope = operations.isEmpty() ? Stage.ANY_OPERATION : String.join(",", operations);
        return new StageDescriptor(kind, scope, bundle, version, ranking, serviceId, kindId, position);
    }
}
