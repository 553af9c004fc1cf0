package io.dwcp.resilience.itests.karaf;

import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Calls through the DWCP manager inside Karaf, on threads of its own, counting successes and keeping
 * every failure. Kept apart from {@link KarafIT}: that class is loaded before the DWCP feature is
 * installed, so it may name no DWCP type.
 */
public final class KarafLoad implements AutoCloseable {

    private final ServiceReference<ResilienceManager> ref;
    private final BundleContext context;
    private final ResilienceManager manager;
    private final String operation;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder ok = new LongAdder();
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService callers = Executors.newFixedThreadPool(2);
    private final List<Future<?>> loops = new ArrayList<>();

    public KarafLoad(BundleContext context, String operation) {
        this.context = context;
        this.ref = context.getServiceReference(ResilienceManager.class);
        if (ref == null) {
            throw new IllegalStateException("no ResilienceManager service: is dwcp-resilience installed?");
        }
        this.manager = context.getService(ref);
        this.operation = operation;
    }

    /** The provider of {@code operation}'s circuit-breaker stage, or null. */
    public String breakerProvider() {
        return manager.chain(operation).stages().stream().filter(d -> d.kind() == StageKind.CIRCUIT_BREAKER)
                .map(StageDescriptor::bundleSymbolicName).findFirst().orElse(null);
    }

    public void start() {
        for (int t = 0; t < 2; t++) {
            loops.add(callers.submit(() -> {
                while (running.get()) {
                    try {
                        manager.execute(operation, "peer-1", inv -> "ok");
                        ok.increment();
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            }));
        }
    }

    public long succeeded() {
        return ok.sum();
    }

    public List<Throwable> failures() {
        synchronized (failures) {
            return new ArrayList<>(failures);
        }
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        try {
            for (Future<?> f : loops) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
            context.ungetService(ref);
        }
    }
}
