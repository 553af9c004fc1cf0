package io.dwcp.resilience.api;

/**
 * One stage in use in a chain, as {@link ResilienceManager#chain(String)} reports it.
 *
 * @param kind                   the stage kind
 * @param scope                  the operation the service was registered for, or {@link Stage#ANY_OPERATION}
 * @param bundleSymbolicName     the providing bundle's symbolic name
 * @param bundleVersion          the providing bundle's version
 * @param ranking                the service ranking
 * @param serviceId              the service id
 */
public record StageDescriptor(StageKind kind, String scope, String bundleSymbolicName, String bundleVersion,
        int ranking, long serviceId) {

    @Override
    public String toString() {
        return kind.id() + " <- " + bundleSymbolicName + " " + bundleVersion + " (service " + serviceId
                + ", ranking " + ranking + ", scope " + scope + ")";
    }
}
