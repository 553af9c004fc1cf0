package io.dwcp.resilience.console.internal;

import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.view.OperationView;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.api.view.StageView;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Replaces the bundle that provides a stage kind, make-before-break: install and start the new
 * provider, wait until the manager has bound it in every chain the old one served, then stop and
 * uninstall the old one. When the new provider does not rank above the old one, the manager cannot
 * prefer it while the old one runs: the old one is stopped first, and calls follow the manager's
 * missing-stage policy (and its make-before-break hold) until the new one is bound. Any failure
 * rolls back to the old provider and says why.
 */
final class StageSwapper {

    private static final long POLL_MILLIS = 20;

    private final BundleContext context;
    private final ResilienceManager manager;
    private final ResilienceView view;

    StageSwapper(BundleContext context, ResilienceManager manager, ResilienceView view) {
        this.context = context;
        this.manager = manager;
        this.view = view;
    }

    /** The outcome, printed by the command. */
    record Result(boolean swapped, String message) {
    }

    Result swap(StageKind kind, String operation, String location, Duration timeout, PrintStream out) {
        // 1. who provides the kind now, and for which operations
        Map<String, StageView> before = new LinkedHashMap<>();
        Set<Long> oldBundles = new LinkedHashSet<>();
        for (OperationView op : view.operations()) {
            for (StageView s : op.stages()) {
                if (s.descriptor().kind() == kind && (operation == null || operation.equals(op.operation()))) {
                    before.put(op.operation(), s);
                    if (s.bundleId() >= 0) {
                        oldBundles.add(s.bundleId());
                    }
                }
            }
        }
        if (operation != null) {
            // every other chain the same old bundle serves for this kind is swapped as well: it is one bundle
            for (OperationView op : view.operations()) {
                for (StageView s : op.stages()) {
                    if (s.descriptor().kind() == kind && oldBundles.contains(s.bundleId())) {
                        before.putIfAbsent(op.operation(), s);
                    }
                }
            }
        }
        Set<String> targets = new LinkedHashSet<>(before.keySet());
        if (operation != null) {
            targets.add(operation);
        }
        if (targets.isEmpty()) {
            throw new UsageException("no operation's chain has a " + kind + " stage: name the operation the new provider is for");
        }

        // 2. install and start the new provider
        Bundle fresh;
        try {
            Bundle existing = context.getBundle(location);
            if (existing != null) {
                return new Result(false, "nothing changed: " + location + " is already installed as bundle "
                        + existing.getBundleId() + " (" + existing.getSymbolicName() + " " + existing.getVersion() + ")");
            }
            fresh = context.installBundle(location);
        } catch (BundleException | IllegalStateException | SecurityException e) {
            return new Result(false, "nothing changed: cannot install " + location + ": " + e.getMessage());
        }
        if (oldBundles.contains(fresh.getBundleId())) {
            return new Result(false, "nothing changed: " + location + " is the provider in use");
        }
        out.println("installed bundle " + fresh.getBundleId() + " " + fresh.getSymbolicName() + " " + fresh.getVersion());
        try {
            fresh.start();
        } catch (BundleException | IllegalStateException e) {
            uninstallQuietly(fresh);
            return new Result(false, "rolled back (new bundle uninstalled): bundle " + fresh.getSymbolicName()
                    + " did not start: " + e.getMessage());
        }

        // 3. make before break: wait until the manager has bound the new provider everywhere
        boolean oldStopped = false;
        int oldRanking = Integer.MIN_VALUE;
        for (StageView s : before.values()) {
            oldRanking = Math.max(oldRanking, s.descriptor().ranking());
        }
        if (!awaitBound(kind, targets, fresh, timeout, oldRanking)) {
            List<ServiceReference<?>> offered = stagesOf(fresh, kind);
            if (offered.isEmpty()) {
                uninstallQuietly(fresh);
                return new Result(false, "rolled back (new bundle uninstalled): bundle " + fresh.getSymbolicName()
                        + " registered no " + kind + " stage within " + Durations.format(timeout));
            }
            out.println("the new provider does not rank above the old one (service.ranking " + oldRanking
                    + "): stopping the old one first; until the new one is bound, calls follow the manager's missing-stage policy");
            stopAll(oldBundles);
            oldStopped = true;
            if (!awaitBound(kind, targets, fresh, timeout, Integer.MAX_VALUE)) {
                uninstallQuietly(fresh);
                String restarted = startAll(oldBundles);
                return new Result(false, "rolled back (new bundle uninstalled, old restarted" + restarted + "): the manager did not bind the "
                        + kind + " stage of " + fresh.getSymbolicName() + " for " + unbound(kind, targets, fresh)
                        + " within " + Durations.format(timeout) + " (are its configurations for these operations present?)");
            }
        }
        out.println("bound by the manager for " + String.join(", ", targets));

        // 4. break: stop and uninstall the old provider
        List<String> removed = new ArrayList<>();
        for (long id : oldBundles) {
            Bundle old = context.getBundle(id);
            if (old == null) {
                continue;
            }
            try {
                if (!oldStopped) {
                    old.stop();
                }
                old.uninstall();
                removed.add(id + " " + old.getSymbolicName() + " " + old.getVersion());
            } catch (BundleException | IllegalStateException e) {
                out.println("warning: the old provider, bundle " + id + ", could not be removed: " + e.getMessage());
            }
        }
        out.println(removed.isEmpty() ? "no old provider to remove" : "stopped and uninstalled bundle " + String.join(", ", removed));

        // 5. report
        Table t = new Table("operation", "before", "state before", "after", "state after");
        for (String op : targets) {
            StageView was = before.get(op);
            StageView now = current(kind, op);
            t.row(op, was == null ? "(none)" : provider(was), was == null ? "" : StageSummary.of(was),
                    now == null ? "(none)" : provider(now), now == null ? "" : StageSummary.of(now));
        }
        t.print(out);
        return new Result(true, "swapped " + kind + " to bundle " + fresh.getBundleId() + " " + fresh.getSymbolicName() + " " + fresh.getVersion());
    }

    private static String provider(StageView s) {
        StageDescriptor d = s.descriptor();
        return s.bundleId() + " " + d.bundleSymbolicName() + " " + d.bundleVersion() + " (ranking " + d.ranking() + ")";
    }

    private StageView current(StageKind kind, String op) {
        return view.operation(op).flatMap(v -> v.stages().stream().filter(s -> s.descriptor().kind() == kind).findFirst())
                .orElse(null);
    }

    /**
     * Waits until the manager has bound {@code fresh} for every target; gives up early when the new
     * stage is registered but cannot win while the old one runs (its ranking is not above {@code outrank}).
     */
    private boolean awaitBound(StageKind kind, Set<String> targets, Bundle fresh, Duration timeout, int outrank) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (unbound(kind, targets, fresh).isEmpty()) {
                return true;
            }
            List<ServiceReference<?>> offered = stagesOf(fresh, kind);
            if (!offered.isEmpty() && outrank != Integer.MAX_VALUE && offered.stream().allMatch(r -> ranking(r) <= outrank)) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private List<String> unbound(StageKind kind, Set<String> targets, Bundle fresh) {
        List<String> missing = new ArrayList<>();
        for (String op : targets) {
            boolean bound = false;
            for (StageDescriptor d : manager.chain(op).stages()) {
                if (d.kind() == kind && bundleOf(d.serviceId()) == fresh.getBundleId()) {
                    bound = true;
                }
            }
            if (!bound) {
                missing.add(op);
            }
        }
        return missing;
    }

    private long bundleOf(long serviceId) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(" + Constants.SERVICE_ID + "=" + serviceId + ")");
            return refs == null || refs[0].getBundle() == null ? -1 : refs[0].getBundle().getBundleId();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ServiceReference<?>> stagesOf(Bundle bundle, StageKind kind) {
        List<ServiceReference<?>> found = new ArrayList<>();
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                if (kind.id().equals(r.getProperty(Stage.KIND))) {
                    found.add(r);
                }
            }
        }
        return found;
    }

    private static int ranking(ServiceReference<?> r) {
        Object v = r.getProperty(Constants.SERVICE_RANKING);
        return v instanceof Integer i ? i : 0;
    }

    private void stopAll(Set<Long> ids) {
        for (long id : ids) {
            Bundle b = context.getBundle(id);
            if (b != null) {
                try {
                    b.stop();
                } catch (BundleException | IllegalStateException e) {
                    // reported by the outcome: the manager then still runs the old provider
                }
            }
        }
    }

    private String startAll(Set<Long> ids) {
        StringBuilder failures = new StringBuilder();
        for (long id : ids) {
            Bundle b = context.getBundle(id);
            if (b != null) {
                try {
                    b.start();
                } catch (BundleException | IllegalStateException e) {
                    failures.append("; bundle ").append(id).append(" did not restart: ").append(e.getMessage());
                }
            }
        }
        return failures.toString();
    }

    private static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            // already gone
        }
    }
}
