package io.dwcp.resilience.api.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of named figures from one component for one operation (and, for a stage that
 * keeps one instance per peer, one peer), e.g. a circuit breaker's {@code state}, {@code failureRate}
 * and {@code rejected}. Exporters turn it into Prometheus samples
 * {@code dwcp_<source>_<name>{operation="..."}}, with a {@code peer="..."} label when
 * {@link #peer()} is not empty (so the series of operation-scoped stages keep their labels).
 *
 * @param source          the component kind, e.g. {@code circuit-breaker} (a stage kind id) or {@code slo}
 * @param operation       the operation, or {@code *} for a figure about the whole layer
 * @param values          figure name to value, in a stable order; names are lowerCamelCase
 * @param timestampMillis when it was taken (wall clock)
 * @param peer            the peer the figures are about, or {@code ""} for figures about the whole
 *                        operation (every snapshot before 1.2)
 */
public record MetricsSnapshot(String source, String operation, Map<String, Number> values, long timestampMillis,
        String peer) {

    /** {@link #peer()} of figures about the whole operation. */
    public static final String NO_PEER = "";

    /** Copies the values, keeping their order, so a snapshot never changes. */
    public MetricsSnapshot {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(peer, "peer");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Figures about the whole operation (no peer), as before 1.2. */
    public MetricsSnapshot(String source, String operation, Map<String, Number> values, long timestampMillis) {
        this(source, operation, values, timestampMillis, NO_PEER);
    }

    /**
     * @return the same figures about {@code peer}
     * @since 1.2
     */
    public MetricsSnapshot withPeer(String peer) {
        return new MetricsSnapshot(source, operation, values, timestampMillis, peer);
    }

    /**
     * @return whether the figures are about one peer
     * @since 1.2
     */
    public boolean hasPeer() {
        return !peer.isEmpty();
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
