package io.dwcp.resilience.api.view;

import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage of a chain, with what an operator needs to know about it.
 *
 * @param descriptor the stage as the manager reports it (kind, scope, bundle, ranking, service id)
 * @param bundleId   the id of the providing bundle, -1 when it is gone already
 * @param figures    the stage's metrics for this operation, or {@code null} when it publishes none
 */
public record StageView(StageDescriptor descriptor, long bundleId, MetricsSnapshot figures) {
    /** Checks the descriptor. */
    public StageView {
        Objects.requireNonNull(descriptor, "descriptor");
    }

    /** @return the figures, if the stage publishes any */
    public Optional<MetricsSnapshot> metrics() {
        return Optional.ofNullable(figures);
    }

    /**
     * @param source a snapshot's source, e.g. {@code rate-limit.adaptive}
     * @param wanted a source or stage kind id, e.g. {@code rate-limit}
     * @return whether {@code source} is {@code wanted} or a strategy of it ({@code wanted.<strategy>})
     */
    public static boolean sourceMatches(String source, String wanted) {
        return source.equals(wanted) || source.startsWith(wanted) && source.length() > wanted.length()
                && source.charAt(wanted.length()) == '.';
    }
}
