package io.dwcp.resilience.api;

import java.util.List;
import java.util.Objects;

/**
 * A read-only picture of the chain an operation runs through right now.
 *
 * @param operation the operation
 * @param stages    the stages of built-in kinds in use, outermost first (as in 1.2: every descriptor
 *                  here has a {@link StageDescriptor#kind()})
 * @param missing   the stage kinds no service provides for this operation, in chain order
 * @param rejected  the missing kinds whose policy is {@link MissingStagePolicy#REJECT}: while this
 *                  is not empty, every call fails with {@link StageUnavailableException}
 * @param held      the missing kinds the manager is waiting for (make-before-break after a provider
 *                  went away, or the start-up gate): while this is not empty, calls wait, for a
 *                  bounded time, until a provider is back; then the missing-stage policy applies
 * @param allStages every stage in use, outermost first, including those of kinds beyond the built-in
 *                  seven placed at their {@linkplain StagePosition slot}: the chain a call walks
 * @since 1.2
 */
public record ChainView(String operation, List<StageDescriptor> stages, List<StageKind> missing,
        List<StageKind> rejected, List<StageKind> held, List<StageDescriptor> allStages) {

    /** Copies the lists, so a view never changes. */
    public ChainView {
        Objects.requireNonNull(operation, "operation");
        stages = List.copyOf(stages);
        missing = List.copyOf(missing);
        rejected = List.copyOf(rejected);
        held = List.copyOf(held);
        allStages = List.copyOf(allStages);
    }

    /** A view of a chain of built-in kinds only (as in 1.2). */
    public ChainView(String operation, List<StageDescriptor> stages, List<StageKind> missing,
            List<StageKind> rejected, List<StageKind> held) {
        this(operation, stages, missing, rejected, held, stages);
    }

    /** A view of a chain that holds no call (as before 1.2). */
    public ChainView(String operation, List<StageDescriptor> stages, List<StageKind> missing,
            List<StageKind> rejected) {
        this(operation, stages, missing, rejected, List.of());
    }

    /** @return whether calls of this operation are held until a provider of a missing kind is back */
    public boolean holding() {
        return !held.isEmpty();
    }

    /** @return whether calls of this operation are currently accepted */
    public boolean accepting() {
        return rejected.isEmpty();
    }
}
