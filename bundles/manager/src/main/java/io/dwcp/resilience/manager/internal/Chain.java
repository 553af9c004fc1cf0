package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.MissingStagePolicy;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StagePosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The immutable chain of one operation: its first link and the view that describes it.
 *
 * @param head      the outermost link
 * @param view      what the chain is made of
 * @param holdUntil while the chain holds calls: the clock instant the earliest awaited kind is awaited
 *                  until; else 0
 */
record Chain(Link head, ChainView view, long holdUntil) {

    /** When, if ever, a missing kind is awaited for an operation. */
    interface Awaited {
        Awaited NOTHING = (operation, kind) -> Long.MIN_VALUE;

        /** @return the clock instant until which {@code kind} is awaited for {@code operation}, or {@code Long.MIN_VALUE} */
        long until(String operation, StageKind kind);
    }

    /** Makes the head of a chain that holds its calls. */
    interface HoldLinks {
        Link hold(long untilNanos, String kinds);
    }

    boolean holding() {
        return holdUntil != 0;
    }

    /** A chain that awaits nothing (views, tests). */
    static Chain build(String operation, Collection<StageRegistration> registrations, MissingStagePolicies policies) {
        return build(operation, registrations, policies, Awaited.NOTHING, 0, null);
    }

    /**
     * Picks, for every stage kind in canonical order, the best registered stage serving
     * {@code operation}, and links them outermost first; the best stage of each kind of its own
     * goes into the slot it states. A missing built-in kind still awaited at {@code now} makes the
     * chain hold its calls (head from {@code holds}); otherwise its missing-stage policy applies. A
     * kind of its own is optional: without a provider it has no slot.
     */
    static Chain build(String operation, Collection<StageRegistration> registrations, MissingStagePolicies policies,
            Awaited awaited, long now, HoldLinks holds) {
        List<StageRegistration> chosen = new ArrayList<>();
        List<StageRegistration> builtIn = new ArrayList<>();
        List<StageRegistration> custom = customSlots(operation, registrations);
        int nextCustom = 0;
        List<StageKind> missing = new ArrayList<>();
        List<StageKind> rejected = new ArrayList<>();
        List<StageKind> held = new ArrayList<>();
        long holdUntil = Long.MAX_VALUE;
        for (StageKind kind : StageKind.values()) {
            while (nextCustom < custom.size() && custom.get(nextCustom).slotRank() < StagePosition.rankOf(kind)) {
                chosen.add(custom.get(nextCustom++));
            }
            Optional<StageRegistration> best = registrations.stream()
                    .filter(r -> r.kind() == kind && r.serves(operation))
                    .min(StageRegistration.bestFirstFor(operation));
            if (best.isPresent()) {
                chosen.add(best.get());
                builtIn.add(best.get());
                continue;
            }
            missing.add(kind);
            long until = awaited.until(operation, kind);
            if (until != Long.MIN_VALUE && until - now > 0) {
                held.add(kind);
                holdUntil = Math.min(holdUntil, until);
            } else if (policies.policyFor(operation, kind) == MissingStagePolicy.REJECT) {
                rejected.add(kind);
            }
        }
        chosen.addAll(custom.subList(nextCustom, custom.size()));
        List<StageDescriptor> all = chosen.stream().map(StageRegistration::describe).collect(Collectors.toList());
        List<StageDescriptor> stages = builtIn.stream().map(StageRegistration::describe).collect(Collectors.toList());
        ChainView view = new ChainView(operation, stages, missing, rejected, held, all);
        if (!held.isEmpty() && holds != null) {
            String kinds = held.stream().map(StageKind::id).collect(Collectors.joining(", "));
            // 0 means "not holding": an instant that happens to be 0 is moved by a nanosecond.
            long until = holdUntil == 0 ? 1 : holdUntil;
            return new Chain(holds.hold(until, kinds), view, until);
        }
        if (!rejected.isEmpty()) {
            String kinds = rejected.stream().map(StageKind::id).collect(Collectors.joining(", "));
            return new Chain(new Link.RejectLink(operation, kinds), view, 0);
        }
        Link head = Link.OperationLink.INSTANCE;
        for (int i = chosen.size() - 1; i >= 0; i--) {
            head = Link.StageLink.of(chosen.get(i).kind(), chosen.get(i).stage(), head);
        }
        return new Chain(head, view, 0);
    }

    /**
     * The best stage of each kind of its own serving {@code operation} (operation, ranking, service
     * id, as for a built-in kind), ordered by the slot it states, then by kind id.
     */
    private static List<StageRegistration> customSlots(String operation, Collection<StageRegistration> registrations) {
        Comparator<StageRegistration> best = StageRegistration.bestFirstFor(operation);
        Map<String, StageRegistration> bestOfKind = new HashMap<>();
        for (StageRegistration r : registrations) {
            if (r.kind() == null && r.serves(operation)) {
                bestOfKind.merge(r.kindId(), r, (a, b) -> best.compare(a, b) <= 0 ? a : b);
            }
        }
        if (bestOfKind.isEmpty()) {
            return List.of();
        }
        List<StageRegistration> slots = new ArrayList<>(bestOfKind.values());
        slots.sort(Comparator.comparingInt(StageRegistration::slotRank).thenComparing(StageRegistration::kindId));
        return slots;
    }
}
