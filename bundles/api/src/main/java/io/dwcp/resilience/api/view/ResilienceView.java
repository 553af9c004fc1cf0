package io.dwcp.resilience.api.view;

import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The read model of the resilience layer for operators' tools. Every call builds a fresh picture
 * from the live services; nothing here is on the call path.
 */
@ProviderType
public interface ResilienceView {
    /** @return every operation the manager knows, DWCP's four first, the others sorted by name */
    List<OperationView> operations();

    /**
     * @param operation an operation name
     * @return its picture, or empty when the manager does not know it
     */
    Optional<OperationView> operation(String operation);

    /**
     * @return every snapshot every {@link io.dwcp.resilience.api.metrics.MetricsSource} publishes now,
     *         for every operation and for the layer ({@code *}): stages, budgets, health, degradation, chaos
     */
    List<MetricsSnapshot> figures();

    /** @return every DWCP configuration ({@code dwcp.*} PIDs), sorted by PID */
    List<ConfigurationView> configurations();

    /**
     * @param pid a configuration PID, e.g. {@code dwcp.manager} or {@code dwcp.circuitbreaker~send}
     *            (the {@code <factoryPid>-<name>} form of a {@code .cfg} file name is accepted too)
     * @return the configuration, or empty when none has that PID
     */
    Optional<ConfigurationView> configuration(String pid);
}
