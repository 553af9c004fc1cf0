package io.dwcp.resilience.api.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of named figures from one component for one operation, e.g. a circuit breaker's
 * {@code state}, {@code failureRate} and {@code rejected}. Exporters turn it into Prometheus
 * samples {@code dwcp_<source>_<name>{operation="..."}}.
 *
 * @param source          the component kind, e.g. {@code circuit-breaker} (a stage kind id) or {@code slo}
 * @param operation       the operation, or {@code *} for a figure about the whole layer
 * @param values          figure name to value, in a stable order; names are lowerCamelCase
 * @param timestampMillis when it was taken (wall clock)
 */
public record MetricsSnapshot(String source, String operation, Map<String, Number> values, long timestampMillis) {

    /** Copies the values, keeping their order, so a snapshot never changes. */
    public MetricsSnapshot {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(operation, "operation");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * @param name a figure name
     * @return its value as a double, or NaN when absent
     */
    public double value(String name) {
        Number n = values.get(name);
        return n == null ? Double.NaN : n.doubleValue();
    }
}
