package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.MissingStagePolicy;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The immutable chain of one operation: its first link and the view that describes it.
 *
 * @param head the outermost link
 * @param view what the chain is made of
 */
record Chain(Link head, ChainView view) {

    /**
     * Picks, for every stage kind in canonical order, the best registered stage serving
     * {@code operation}, and links them outermost first.
     */
    static Chain build(String operation, Collection<StageRegistration> registrations, MissingStagePolicies policies) {
        List<StageRegistration> chosen = new ArrayList<>();
        List<StageKind> missing = new ArrayList<>();
        List<StageKind> rejected = new ArrayList<>();
        for (StageKind kind : StageKind.values()) {
            Optional<StageRegistration> best = registrations.stream()
                    .filter(r -> r.kind() == kind && r.serves(operation))
                    .min(StageRegistration.bestFirstFor(operation));
            if (best.isPresent()) {
                chosen.add(best.get());
            } else {
                missing.add(kind);
                if (policies.policyFor(operation, kind) == MissingStagePolicy.REJECT) {
                    rejected.add(kind);
                }
            }
        }
        List<StageDescriptor> stages = chosen.stream().map(StageRegistration::describe).collect(Collectors.toList());
        ChainView view = new ChainView(operation, stages, missing, rejected);
        if (!rejected.isEmpty()) {
            String kinds = rejected.stream().map(StageKind::id).collect(Collectors.joining(", "));
            return new Chain(new Link.RejectLink(operation, kinds), view);
        }
        Link head = Link.OperationLink.INSTANCE;
        for (int i = chosen.size() - 1; i >= 0; i--) {
            head = new Link.StageLink(chosen.get(i).stage(), head);
        }
        return new Chain(head, view);
    }
}
