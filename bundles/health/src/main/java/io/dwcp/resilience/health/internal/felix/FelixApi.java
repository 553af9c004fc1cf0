package io.dwcp.resilience.health.internal.felix;

import io.dwcp.resilience.api.health.HealthMonitor;
import org.osgi.framework.BundleContext;

/**
 * The only door to the Felix Health Checks API: this bundle imports it optionally, so nothing else
 * may mention its types. Loading {@link FelixPublisher} happens only after {@link #isWired} said yes.
 */
final class FelixApi {

    /** The Felix health check service interface. */
    static final String HEALTH_CHECK = "org.apache.felix.hc.api.HealthCheck";

    private FelixApi() {
    }

    /**
     * @param loader this bundle's class loader
     * @return whether the Felix Health Checks API package is wired to this bundle
     */
    static boolean isWired(ClassLoader loader) {
        try {
            loader.loadClass(HEALTH_CHECK);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param context the context to register with
     * @param monitor where the adapters read the results
     * @return a publisher of Felix health check services
     */
    static Publisher publisher(BundleContext context, HealthMonitor monitor) {
        return new FelixPublisher(context, monitor);
    }
}
