package io.dwcp.resilience.api;

import java.util.Objects;

/**
 * One stage in use in a chain, as {@link ResilienceManager#chain(String)} reports it.
 *
 * @param kind                   the built-in stage kind, or {@code null} for a kind of its own (see
 *                               {@link #kindId()}); only {@link ChainView#allStages()} holds such
 *                               descriptors, so a consumer of {@link ChainView#stages()} never sees null
 * @param scope                  the operation the service was registered for, or {@link Stage#ANY_OPERATION}
 * @param bundleSymbolicName     the providing bundle's symbolic name
 * @param bundleVersion          the providing bundle's version
 * @param ranking                the service ranking
 * @param serviceId              the service id
 * @param kindId                 the {@link Stage#KIND} value: {@code kind.id()} for a built-in kind
 * @param position               the slot a kind of its own stated ({@link Stage#POSITION}), {@code null}
 *                               for a built-in kind
 */
public record StageDescriptor(StageKind kind, String scope, String bundleSymbolicName, String bundleVersion,
        int ranking, long serviceId, String kindId, StagePosition position) {

    /** Checks that the kind is named once, consistently. */
    public StageDescriptor {
        if (kind != null) {
            if (kindId != null && !kindId.equals(kind.id())) {
                throw new IllegalArgumentException("kind " + kind + " but kindId " + kindId);
            }
            kindId = kind.id();
            position = null;
        } else {
            StagePosition.validateKindId(kindId);
            Objects.requireNonNull(position, "position of custom kind " + kindId);
        }
    }

    /** A stage of a built-in kind (as before 1.3). */
    public StageDescriptor(StageKind kind, String scope, String bundleSymbolicName, String bundleVersion,
            int ranking, long serviceId) {
        this(Objects.requireNonNull(kind, "kind"), scope, bundleSymbolicName, bundleVersion, ranking, serviceId,
                kind.id(), null);
    }

    /** @return whether the kind is one of {@link StageKind}'s */
    public boolean builtIn() {
        return kind != null;
    }

    @Override
    public String toString() {
        return kindId + (position == null ? "" : " [" + position + "]") + " <- " + bundleSymbolicName + " "
                + bundleVersion + " (service " + serviceId + ", ranking " + ranking + ", scope " + scope + ")";
    }
}
