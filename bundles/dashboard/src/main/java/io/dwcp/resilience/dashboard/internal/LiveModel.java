package io.dwcp.resilience.dashboard.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerControl;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.view.OperationView;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.api.view.StageView;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * What the page shows, read from the platform's services (every one optional: the page shows what is
 * installed) — chains, providers and figures from the operators' read model ({@link ResilienceView}, which
 * the dwcp:* console shows too), the rest from the control services — plus the little the page needs that
 * no service keeps: per-second history of each
 * operation for the charts, the recent state changes for the timeline, and the audit trail of actions
 * taken from the page.
 *
 * <p>A sampler thread reads each operation's counters once a second (no cost on the call path) and,
 * while someone watches the page, the latency percentiles of that second from a {@link LatencyRecorder}
 * registered as a call observer for as long as the page is open.
 */
@Component(service = {LiveModel.class, EventHandler.class}, property = {
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.DEGRADATION_LEVEL_CHANGED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.HEALTH_STATUS_CHANGED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.BURN_RATE_ALERT,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.BUDGET_EXHAUSTED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.BUDGET_RECOVERED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.CHAOS_ARMED,
        EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.CHAOS_DISARMED})
public final class LiveModel implements EventHandler {

    /** The metrics source name of the SLO budgets' figures. */
    private static final String SLO_SOURCE = "slo";
    /** One sample a second, ten minutes kept. */
    static final long TICK_MILLIS = 1_000;
    static final int HISTORY_TICKS = 600;
    /** The latency observer stays registered this long after the page last asked for data. */
    static final long WATCH_GRACE_MILLIS = TimeUnit.MINUTES.toMillis(2);

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResilienceManager manager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ChaosControl chaos;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DegradationManager degradation;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DWCPTransport transport;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<CircuitBreakerControl> breakers;

    /** The operators' read model (chains, providers, every stage's figures), shared with the dwcp:* console. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ResilienceView view;

    private final Map<String, SeriesRing> history = new ConcurrentHashMap<>();
    private final Map<String, long[]> previousCounts = new ConcurrentHashMap<>();
    private final Timeline timeline = new Timeline(500, TimeUnit.MINUTES.toMillis(30));
    private final AuditTrail audit = new AuditTrail();
    private final LatencyRecorder latency = new LatencyRecorder();

    private BundleContext context;
    private ScheduledExecutorService sampler;
    private volatile long lastViewedMillis;
    private ServiceRegistration<CallObserver> latencyRegistration;
    private long previousTickNanos;

    @Activate
    void activate(BundleContext bundleContext) {
        context = bundleContext;
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dwcp-dashboard-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sampleSafely, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (latencyRegistration != null) {
                latencyRegistration.unregister();
                latencyRegistration = null;
            }
        }
    }

    // ---- the sampler

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A service going away mid-read; the next tick starts afresh. Never let the executor die.
            logger.debug("dashboard sample skipped: {}", e.toString());
        }
    }

    private void sample() {
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        boolean watched = nowMillis - lastViewedMillis < WATCH_GRACE_MILLIS;
        boolean measuring = updateLatencyRegistration(watched);
        ResilienceManager m = manager;
        double seconds = previousTickNanos == 0 ? TICK_MILLIS / 1e3 : (nowNanos - previousTickNanos) / 1e9;
        previousTickNanos = nowNanos;
        if (m == null) {
            return;
        }
        for (String op : m.operations()) {
            OperationMetrics om = m.metrics(op);
            long errors = om.failures() + om.rejections() + om.timeouts();
            // the previous tick's counts, overwritten in place: nothing allocated per tick once an operation is known
            long[] prev = previousCounts.get(op);
            double rate = Double.NaN;
            double errorRate = Double.NaN;
            if (prev == null) {
                previousCounts.put(op, new long[] {om.calls(), errors});
            } else {
                long calls = om.calls() - prev[0];
                rate = calls / seconds;
                errorRate = calls == 0 ? Double.NaN : (double) (errors - prev[1]) / calls;
                prev[0] = om.calls();
                prev[1] = errors;
            }
            Histogram h = measuring ? latency.takeInterval(op) : null;
            double p50 = Double.NaN;
            double p95 = Double.NaN;
            double p99 = Double.NaN;
            if (h != null && h.getTotalCount() > 0) {
                p50 = h.getValueAtPercentile(50) / 1e3;
                p95 = h.getValueAtPercentile(95) / 1e3;
                p99 = h.getValueAtPercentile(99) / 1e3;
            }
            history.computeIfAbsent(op, k -> new SeriesRing(HISTORY_TICKS))
                    .add(nowMillis, rate, errorRate, p50, p95, p99);
        }
    }

    /** Registers the latency observer while the page is watched, and removes it when nobody looks. */
    private synchronized boolean updateLatencyRegistration(boolean watched) {
        if (watched && latencyRegistration == null) {
            latencyRegistration = context.registerService(CallObserver.class, latency, new Hashtable<>());
            // The first interval holds whatever arrived before this tick: start clean.
            return false;
        }
        if (!watched && latencyRegistration != null) {
            latencyRegistration.unregister();
            latencyRegistration = null;
        }
        return latencyRegistration != null;
    }

    // ---- events for the timeline

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        long t = event.getProperty(ResilienceEvents.TIMESTAMP) instanceof Number n ? n.longValue()
                : System.currentTimeMillis();
        String reason = text(event, ResilienceEvents.REASON);
        Timeline.Entry entry;
        if (topic.equals(ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED)) {
            entry = new Timeline.Entry(t, "breaker", text(event, ResilienceEvents.OPERATION),
                    text(event, ResilienceEvents.FROM), text(event, ResilienceEvents.TO), reason);
        } else if (topic.equals(ResilienceEvents.DEGRADATION_LEVEL_CHANGED)) {
            entry = new Timeline.Entry(t, "degradation", text(event, ResilienceEvents.COMPONENT),
                    text(event, ResilienceEvents.FROM), text(event, ResilienceEvents.TO), reason);
        } else if (topic.equals(ResilienceEvents.HEALTH_STATUS_CHANGED)) {
            entry = new Timeline.Entry(t, "health", text(event, ResilienceEvents.NAME),
                    text(event, ResilienceEvents.FROM), text(event, ResilienceEvents.TO), reason);
        } else if (topic.equals(ResilienceEvents.CHAOS_ARMED) || topic.equals(ResilienceEvents.CHAOS_DISARMED)) {
            boolean armed = topic.equals(ResilienceEvents.CHAOS_ARMED);
            entry = new Timeline.Entry(t, "chaos", "chaos", armed ? "DISARMED" : "ARMED", armed ? "ARMED" : "DISARMED",
                    reason);
        } else {
            String what = topic.substring(topic.lastIndexOf('/') + 1);
            String budget = text(event, "budget");
            String name = text(event, ResilienceEvents.NAME);
            String to = what.equals("BURN_RATE_ALERT") ? "burn " + name + " " + text(event, ResilienceEvents.TO)
                    : what.equals("BUDGET_EXHAUSTED") ? "EXHAUSTED" : "RECOVERED";
            entry = new Timeline.Entry(t, "slo", text(event, ResilienceEvents.OPERATION) + " " + budget,
                    text(event, ResilienceEvents.FROM), to, reason);
        }
        timeline.add(entry);
    }

    private static String text(Event event, String key) {
        Object v = event.getProperty(key);
        return v == null ? "" : String.valueOf(v);
    }

    // ---- the model

    /**
     * @param sinceMillis the time of the newest sample the page already has (0 for all)
     * @return the whole model as JSON
     */
    String modelJson(long sinceMillis) {
        long now = System.currentTimeMillis();
        lastViewedMillis = now;
        Json json = new Json();
        json.beginObject().field("now", now);
        ResilienceView v = view;
        json.field("viewPresent", v != null);
        writeOperations(json, v, sinceMillis);
        json.name("timeline");
        timeline.write(json, now);
        writeBudgets(json, v);
        writeDegradation(json);
        writeHealth(json);
        writeTransport(json);
        writeChaos(json, now);
        json.name("audit");
        audit.write(json);
        json.field("latencyMeasured", latencyMeasuring());
        return json.endObject().toString();
    }

    private synchronized boolean latencyMeasuring() {
        return latencyRegistration != null;
    }

    private void writeOperations(Json json, ResilienceView v, long since) {
        json.name("operations").beginArray();
        if (v != null) {
            for (OperationView o : v.operations()) {
                String op = o.operation();
                ChainView chain = o.chain();
                OperationMetrics om = o.metrics();
                json.beginObject().field("name", op).field("accepting", chain.accepting());
                json.field("breaker", breakerState(op));
                json.name("chain").beginArray();
                for (StageView stage : o.allStages()) {
                    StageDescriptor d = stage.descriptor();
                    json.beginObject().field("kind", d.kindId());
                    if (!d.builtIn()) {
                        json.field("position", d.position().toString());
                    }
                    json.field("bundle", d.bundleSymbolicName())
                            .field("version", d.bundleVersion()).field("bundleId", stage.bundleId())
                            .field("ranking", d.ranking()).field("scope", d.scope()).field("serviceId", d.serviceId())
                            .field("figures", stage.figures() == null ? Map.of() : stage.figures().values())
                            .endObject();
                }
                json.endArray();
                json.field("missing", kinds(chain.missing())).field("rejected", kinds(chain.rejected()));
                LatencySnapshot l = om.latency();
                json.name("totals").beginObject().field("calls", om.calls()).field("successes", om.successes())
                        .field("failures", om.failures()).field("rejections", om.rejections())
                        .field("timeouts", om.timeouts()).field("p50", l.p50Nanos() / 1e6)
                        .field("p95", l.p95Nanos() / 1e6).field("p99", l.p99Nanos() / 1e6).endObject();
                SeriesRing ring = history.get(op);
                json.name("series");
                (ring == null ? new SeriesRing(1) : ring).write(json, since);
                json.endObject();
            }
        }
        json.endArray();
    }

    private static List<String> kinds(List<StageKind> kinds) {
        List<String> ids = new ArrayList<>(kinds.size());
        for (StageKind k : kinds) {
            ids.add(k.id());
        }
        return ids;
    }

    private String breakerState(String op) {
        CircuitBreakerControl c = breakerFor(op);
        if (c == null) {
            return null;
        }
        try {
            return c.state(op).name();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private CircuitBreakerControl breakerFor(String op) {
        List<CircuitBreakerControl> controls = breakers;
        if (controls != null) {
            for (CircuitBreakerControl c : controls) {
                if (c.operations().contains(op)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static void writeBudgets(Json json, ResilienceView v) {
        json.name("budgets").beginArray();
        if (v != null) {
            List<MetricsSnapshot> slo = new ArrayList<>();
            for (MetricsSnapshot s : v.figures()) {
                if (s.source().equals(SLO_SOURCE)) {
                    slo.add(s);
                }
            }
            slo.sort((a, b) -> budgetOrder(a.operation()) != budgetOrder(b.operation())
                    ? budgetOrder(a.operation()) - budgetOrder(b.operation()) : a.operation().compareTo(b.operation()));
            for (MetricsSnapshot s : slo) {
                json.beginObject().field("operation", s.operation()).field("figures", s.values()).endObject();
            }
        }
        json.endArray();
    }

    /** The budget of all operations first, then DWCP's four in their order, then the others. */
    private static int budgetOrder(String op) {
        int i = Operations.DWCP.indexOf(op);
        return op.equals("*") ? -1 : i >= 0 ? i : Operations.DWCP.size();
    }

    private void writeDegradation(Json json) {
        DegradationManager d = degradation;
        json.name("degradation");
        if (d == null) {
            json.value((String) null);
            return;
        }
        json.beginObject().field("level", d.level().name()).field("features", new TreeSet<>(d.enabledFeatures()));
        json.name("components").beginArray();
        for (ComponentLevel c : d.components()) {
            json.beginObject().field("component", c.component()).field("level", c.level().name())
                    .field("computed", c.computed().name()).field("reason", c.reason()).field("since", c.sinceMillis())
                    .field("overridden", c.overridden()).field("overrideExpires", c.overrideExpiresMillis()).endObject();
        }
        json.endArray().endObject();
    }

    private void writeHealth(Json json) {
        HealthMonitor h = health;
        json.name("health");
        if (h == null) {
            json.value((String) null);
            return;
        }
        json.beginObject().field("status", h.status().name()).name("checks").beginArray();
        for (HealthCheckReport r : h.reports()) {
            json.beginObject().field("name", r.name()).field("status", r.status().name())
                    .field("message", r.lastResult().message()).field("lastRun", r.lastResult().timestampMillis())
                    .field("successRate", r.recentSuccessRate()).field("details", r.lastResult().details()).endObject();
        }
        json.endArray().endObject();
    }

    private void writeTransport(Json json) {
        DWCPTransport t = transport;
        json.name("transport");
        if (t == null) {
            json.value((String) null);
            return;
        }
        json.beginObject().field("node", t.nodeId()).field("port", t.localPort())
                .field("mode", String.valueOf(t.metrics().mode())).name("peers").beginArray();
        for (PeerStatus p : t.peers()) {
            json.beginObject().field("node", p.nodeId()).field("address", p.address()).field("state", p.state().name())
                    .field("streamsUp", p.streamsUp()).field("streamsConfigured", p.streamsConfigured())
                    .field("rttMillis", p.rttNanos() < 0 ? Double.NaN : p.rttNanos() / 1e6)
                    .field("tier", p.tier().name()).field("unacknowledged", p.unacknowledged())
                    .field("reconnects", p.reconnects()).field("lastError", p.lastError()).endObject();
        }
        json.endArray().endObject();
    }

    private void writeChaos(Json json, long now) {
        ChaosControl c = chaos;
        json.name("chaos");
        if (c == null) {
            json.value((String) null);
            return;
        }
        ChaosStatus s = c.status();
        json.beginObject().field("allowed", s.allowed()).field("armed", s.armed())
                .field("expiresAt", s.expiresAtMillis())
                .field("remainingMillis", s.armed() ? Math.max(0, s.expiresAtMillis() - now) : 0)
                .field("reason", s.reason()).field("probability", s.probability()).field("operations", s.operations())
                .field("peers", s.peers()).field("weights", s.weights()).field("available", s.availableInjectors())
                .field("injections", s.injections()).field("totalInjections", s.totalInjections()).endObject();
    }

    // ---- actions

    /** What an action needs from the platform: the services as they are now. */
    ChaosControl chaos() {
        return chaos;
    }

    DegradationManager degradation() {
        return degradation;
    }

    /**
     * @param op an operation
     * @return the breaker control that serves it
     * @throws IllegalArgumentException when no circuit breaker serves the operation
     */
    CircuitBreakerControl breaker(String op) {
        CircuitBreakerControl c = breakerFor(op);
        if (c == null) {
            throw new IllegalArgumentException("no circuit breaker serves operation '" + op + "'");
        }
        return c;
    }

    CircuitBreakerState breakerStateOf(String op) {
        return breaker(op).state(op);
    }

    void audit(AuditTrail.Line line) {
        audit.record(logger, line);
    }
}
