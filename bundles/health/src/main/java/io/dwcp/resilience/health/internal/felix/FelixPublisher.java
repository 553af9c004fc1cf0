package io.dwcp.resilience.health.internal.felix;

import io.dwcp.resilience.api.health.HealthMonitor;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Registers one Felix health check service per check of ours, tagged {@code dwcp}. */
final class FelixPublisher implements Publisher {

    /** The Felix tag every adapted check carries: {@code hc:exec dwcp} runs them all. */
    static final String TAG = "dwcp";

    private final BundleContext context;
    private final HealthMonitor monitor;
    private final Map<String, ServiceRegistration<?>> registrations = new TreeMap<>();

    FelixPublisher(BundleContext context, HealthMonitor monitor) {
        this.context = context;
        this.monitor = monitor;
    }

    @Override
    public synchronized void publish(String check) {
        if (registrations.containsKey(check)) {
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(org.apache.felix.hc.api.HealthCheck.NAME, "DWCP " + check);
        properties.put(org.apache.felix.hc.api.HealthCheck.TAGS, new String[] {TAG, TAG + "-" + check});
        registrations.put(check, context.registerService(FelixApi.HEALTH_CHECK, new FelixHealthCheckAdapter(monitor, check),
                properties));
    }

    @Override
    public synchronized void unpublish(String check) {
        ServiceRegistration<?> registration = registrations.remove(check);
        if (registration != null) {
            unregister(registration);
        }
    }

    @Override
    public synchronized void close() {
        registrations.values().forEach(FelixPublisher::unregister);
        registrations.clear();
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }
}
