package io.dwcp.resilience.health.internal.felix;

import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthMonitor;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Shows every DWCP health check to Apache Felix Health Checks tooling ({@code hc:exec}, the
 * web console, the JMX beans, the HTTP servlet), as a Felix {@code HealthCheck} service named
 * {@code DWCP <name>} and tagged {@code dwcp}.
 *
 * <p>The Felix API is an optional import: when it is not wired this component says so once and
 * stays idle, and the bundle works as before. This class mentions no Felix type, so it loads
 * either way.
 */
@Component(immediate = true)
public final class FelixHealthCheckBridge {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference
    private HealthMonitor monitor;

    // guarded by this
    private final Map<Long, String> checks = new HashMap<>();
    private final Map<String, Integer> published = new HashMap<>();
    private Publisher publisher;

    @Activate
    synchronized void activate(BundleContext context) {
        if (!FelixApi.isWired(getClass().getClassLoader())) {
            logger.info("Apache Felix Health Checks API (org.apache.felix.hc.api) is not wired to this bundle: DWCP health "
                    + "checks are not shown to Felix HC tools (install it and refresh this bundle to show them)");
            return;
        }
        publisher = FelixApi.publisher(context, monitor);
        published.keySet().forEach(publisher::publish);
        logger.info("{} DWCP health checks shown to Apache Felix Health Checks under the tag {}", published.size(),
                FelixPublisher.TAG);
    }

    @Deactivate
    synchronized void deactivate() {
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }

    @Reference(name = "check", service = HealthCheck.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindCheck(HealthCheck check, Map<String, Object> properties) {
        String name;
        try {
            name = check.name();
        } catch (RuntimeException e) {
            return;
        }
        if (name == null || HealthMonitor.OVERALL.equals(name)) {
            return;
        }
        checks.put(serviceId(properties), name);
        if (published.merge(name, 1, Integer::sum) == 1 && publisher != null) {
            publisher.publish(name);
        }
    }

    synchronized void unbindCheck(HealthCheck check, Map<String, Object> properties) {
        String name = checks.remove(serviceId(properties));
        if (name == null) {
            return;
        }
        if (published.merge(name, -1, Integer::sum) <= 0) {
            published.remove(name);
            if (publisher != null) {
                publisher.unpublish(name);
            }
        }
    }

    private static long serviceId(Map<String, Object> properties) {
        return ((Number) properties.get(Constants.SERVICE_ID)).longValue();
    }
}
