package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Keeps one MBean per operation ({@code io.dwcp:type=Operation,operation=send}) and one per
 * component figure set ({@code io.dwcp:type=circuit-breaker,operation=send}) registered, adding and
 * removing them as operations and stages come and go.
 */
final class JmxExporter {

    /** The JMX domain. */
    static final String DOMAIN = "io.dwcp";

    private final MBeanServer server;
    private final Supplier<List<OperationMetrics>> operations;
    private final Function<String, OperationMetrics> operation;
    private final Supplier<List<MetricsSnapshot>> figures;
    private final Map<ObjectName, Boolean> registered = new HashMap<>();

    JmxExporter(MBeanServer server, Supplier<List<OperationMetrics>> operations, Function<String, OperationMetrics> operation,
            Supplier<List<MetricsSnapshot>> figures) {
        this.server = server;
        this.operations = operations;
        this.operation = operation;
        this.figures = figures;
    }

    /** Registers MBeans for what appeared, unregisters those of what is gone. */
    synchronized void refresh() throws JMException {
        Map<ObjectName, Supplier<FigureMBean>> wanted = new LinkedHashMap<>();
        for (OperationMetrics m : operations.get()) {
            String op = m.operation();
            wanted.put(name("Operation", "operation", op), () -> new FigureMBean("DWCP operation " + op, () -> operationFigures(operation.apply(op))));
        }
        for (MetricsSnapshot s : figures.get()) {
            String source = s.source();
            String subject = s.operation();
            String peer = s.peer();
            ObjectName name = name(source, PrometheusNames.subjectLabel(source), subject);
            if (s.hasPeer()) {
                name = new ObjectName(name + ",peer=" + quoteIfNeeded(peer));
            }
            wanted.putIfAbsent(name, () -> new FigureMBean("DWCP " + source + " for " + subject
                    + (peer.isEmpty() ? "" : " peer " + peer), () -> figuresOf(source, subject, peer)));
        }
        for (ObjectName gone : Set.copyOf(registered.keySet())) {
            if (!wanted.containsKey(gone)) {
                unregister(gone);
            }
        }
        for (Map.Entry<ObjectName, Supplier<FigureMBean>> e : wanted.entrySet()) {
            if (!registered.containsKey(e.getKey())) {
                if (server.isRegistered(e.getKey())) {
                    server.unregisterMBean(e.getKey()); // left behind by a previous instance of this bundle
                }
                server.registerMBean(e.getValue().get(), e.getKey());
                registered.put(e.getKey(), Boolean.TRUE);
            }
        }
    }

    /** Unregisters every MBean this exporter registered. */
    synchronized void close() {
        for (ObjectName n : Set.copyOf(registered.keySet())) {
            unregister(n);
        }
    }

    private void unregister(ObjectName n) {
        registered.remove(n);
        try {
            server.unregisterMBean(n);
        } catch (JMException e) {
            // already gone
        }
    }

    private Map<String, Number> figuresOf(String source, String subject, String peer) {
        for (MetricsSnapshot s : figures.get()) {
            if (s.source().equals(source) && s.operation().equals(subject) && s.peer().equals(peer)) {
                return s.values();
            }
        }
        return Map.of();
    }

    static Map<String, Number> operationFigures(OperationMetrics m) {
        Map<String, Number> v = new LinkedHashMap<>();
        LatencySnapshot l = m.latency();
        v.put("Calls", m.calls());
        v.put("Successes", m.successes());
        v.put("Failures", m.failures());
        v.put("Rejections", m.rejections());
        v.put("Timeouts", m.timeouts());
        v.put("SuccessRate", m.successRate());
        v.put("MeanMillis", l.meanNanos() / 1e6);
        v.put("P50Millis", l.p50Nanos() / 1e6);
        v.put("P95Millis", l.p95Nanos() / 1e6);
        v.put("P99Millis", l.p99Nanos() / 1e6);
        v.put("MaxMillis", l.maxNanos() / 1e6);
        return v;
    }

    static ObjectName name(String type, String key, String value) throws MalformedObjectNameException {
        return new ObjectName(DOMAIN + ":type=" + quoteIfNeeded(type) + "," + key + "=" + quoteIfNeeded(value));
    }

    private static String quoteIfNeeded(String v) {
        return v.matches("[A-Za-z0-9._-]+") ? v : ObjectName.quote(v);
    }
}
