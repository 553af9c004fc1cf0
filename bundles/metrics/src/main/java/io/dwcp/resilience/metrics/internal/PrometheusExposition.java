package io.dwcp.resilience.metrics.internal;

import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds one scrape in the Prometheus data model (the Prometheus Java client's snapshots) and writes
 * it with the client's text-format writer: the exposition format is the library's, not ours.
 */
final class PrometheusExposition {

    private static final double[] QUANTILES = { 0.5, 0.9, 0.95, 0.99, 0.999 };

    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** @return the content type of what {@link #write} produces */
    String contentType() {
        return writer.getContentType();
    }

    /**
     * @param operations the manager's counters per operation
     * @param histograms latency histograms per operation
     * @param figures    every published metrics snapshot
     * @param transport  every DWCP node's transport figures
     * @return the scrape
     */
    MetricSnapshots build(List<OperationMetrics> operations, Map<String, LatencyHistograms.Histogram> histograms,
            List<MetricsSnapshot> figures, List<TransportExposition.Node> transport) {
        List<MetricSnapshot> out = new ArrayList<>();
        if (!operations.isEmpty()) {
            CounterSnapshot.Builder calls = CounterSnapshot.builder().name("dwcp_calls")
                    .help("Calls completed through the resilience chain, by operation and outcome");
            SummarySnapshot.Builder quantiles = SummarySnapshot.builder().name("dwcp_call_latency_seconds")
                    .help("Latency percentiles of all calls since start (HdrHistogram), by operation");
            for (OperationMetrics m : operations) {
                counter(calls, m.successes(), "operation", m.operation(), "outcome", "success");
                counter(calls, m.failures(), "operation", m.operation(), "outcome", "failure");
                counter(calls, m.rejections(), "operation", m.operation(), "outcome", "rejected");
                counter(calls, m.timeouts(), "operation", m.operation(), "outcome", "timeout");
                LatencySnapshot l = m.latency();
                if (l.count() > 0) {
                    long[] p = { l.p50Nanos(), l.p90Nanos(), l.p95Nanos(), l.p99Nanos(), l.p999Nanos() };
                    Quantile[] q = new Quantile[p.length];
                    for (int i = 0; i < p.length; i++) {
                        q[i] = new Quantile(QUANTILES[i], p[i] / 1e9);
                    }
                    quantiles.dataPoint(SummaryDataPointSnapshot.builder().quantiles(Quantiles.of(q)).count(l.count())
                            .sum(l.meanNanos() * l.count() / 1e9).labels(Labels.of("operation", m.operation())).build());
                }
            }
            out.add(calls.build());
            out.add(quantiles.build());
        }
        if (!histograms.isEmpty()) {
            HistogramSnapshot.Builder h = HistogramSnapshot.builder().name("dwcp_call_duration_seconds")
                    .help("Duration of calls through the resilience chain, entering to leaving, by operation");
            for (Map.Entry<String, LatencyHistograms.Histogram> e : histograms.entrySet()) {
                long[] counts = e.getValue().counts();
                h.dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(LatencyHistograms.BOUNDS_SECONDS, counts))
                        .sum(e.getValue().sumNanos() / 1e9).labels(Labels.of("operation", e.getKey())).build());
            }
            out.add(h.build());
        }
        out.addAll(figures(figures));
        out.addAll(TransportExposition.build(transport));
        return new MetricSnapshots(out);
    }

    private static void counter(CounterSnapshot.Builder b, long value, String... labels) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    /**
     * Every figure as a gauge {@code dwcp_<source>_<figure>{operation=...}}, with {@code peer=...} for
     * the figures of one peer (a stage with {@code scope = peer}); breaker states as a state set.
     */
    private static List<MetricSnapshot> figures(List<MetricsSnapshot> figures) {
        Map<String, GaugeSnapshot.Builder> families = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        GaugeSnapshot.Builder breakerStates = null;
        for (MetricsSnapshot s : figures) {
            String subject = PrometheusNames.subjectLabel(s.source());
            String strategy = PrometheusNames.strategy(s.source());
            Labels labels = strategy == null ? Labels.of(subject, s.operation()) : Labels.of(subject, s.operation(), "strategy", strategy);
            if (s.hasPeer()) {
                labels = labels.add("peer", s.peer());
            }
            boolean breaker = "circuit-breaker".equals(s.source());
            for (Map.Entry<String, Number> f : s.values().entrySet()) {
                if (breaker && "state".equals(f.getKey())) {
                    if (breakerStates == null) {
                        breakerStates = GaugeSnapshot.builder().name("dwcp_circuitbreaker_state")
                                .help("Circuit breaker state: 1 for the state the breaker is in, 0 for the others");
                    }
                    if (seen.add("dwcp_circuitbreaker_state" + labels)) {
                        int code = f.getValue().intValue();
                        for (CircuitBreakerState st : CircuitBreakerState.values()) {
                            breakerStates.dataPoint(GaugeDataPointSnapshot.builder().value(st.code() == code ? 1 : 0)
                                    .labels(labels.add("state", st.name().toLowerCase(Locale.ROOT))).build());
                        }
                    }
                    continue;
                }
                PrometheusNames.Converted name = PrometheusNames.gauge(s.source(), f.getKey());
                if (!seen.add(name.name() + labels)) {
                    continue; // two providers of the same figure for the same subject: the first one counts
                }
                families.computeIfAbsent(name.name(), n -> GaugeSnapshot.builder().name(n)
                        .help("DWCP " + s.source() + " figure " + f.getKey() + " (" + s.source() + " MetricsSource)"))
                        .dataPoint(GaugeDataPointSnapshot.builder().value(f.getValue().doubleValue() * name.factor()).labels(labels).build());
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        if (breakerStates != null) {
            out.add(breakerStates.build());
        }
        for (GaugeSnapshot.Builder b : families.values()) {
            out.add(b.build());
        }
        return out;
    }

    /** Writes {@code snapshots} in the Prometheus text format 0.0.4. */
    void write(OutputStream out, MetricSnapshots snapshots) throws IOException {
        writer.write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
    }
}
