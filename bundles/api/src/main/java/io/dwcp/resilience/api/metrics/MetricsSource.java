package io.dwcp.resilience.api.metrics;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component that exposes metrics (whiteboard: register it as a service, typically beside its
 * {@link io.dwcp.resilience.api.Stage}). Called from exporters and consoles, never on the call path.
 */
@ConsumerType
public interface MetricsSource {

    /** @return the component's current figures, one snapshot per operation it serves */
    List<MetricsSnapshot> metrics();
}
