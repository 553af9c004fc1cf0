package io.dwcp.resilience.api;

import java.util.List;
import java.util.Objects;

/**
 * A read-only picture of the chain an operation runs through right now.
 *
 * @param operation the operation
 * @param stages    the stages in use, outermost first
 * @param missing   the stage kinds no service provides for this operation, in chain order
 * @param rejected  the missing kinds whose policy is {@link MissingStagePolicy#REJECT}: while this
 *                  is not empty, every call fails with {@link StageUnavailableException}
 */
public record ChainView(String operation, List<StageDescriptor> stages, List<StageKind> missing,
        List<StageKind> rejected) {

    /** Copies the lists, so a view never changes. */
    public ChainView {
        Objects.requireNonNull(operation, "operation");
        stages = List.copyOf(stages);
        missing = List.copyOf(missing);
        rejected = List.copyOf(rejected);
    }

    /** @return whether calls of this operation are currently accepted */
    public boolean accepting() {
        return rejected.isEmpty();
    }
}
