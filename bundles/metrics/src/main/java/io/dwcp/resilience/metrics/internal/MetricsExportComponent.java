package io.dwcp.resilience.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.kit.AcceptedConfiguration;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfigRefusals;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The metrics export: a call observer feeding one latency histogram per operation, a Prometheus
 * endpoint (JDK HTTP server, Prometheus Java client's model and text writer) and JMX MBeans.
 *
 * <p>The configuration is read with the stage kit's {@link ConfigReader} from the raw properties (an
 * unparsable {@code port = lots} is refused, not a {@code ComponentException}, and {@code http.enabled =
 * lots} is not read as false) and refused through {@link ConfigRefusals}: the previous settings stay in
 * force (the defaults at first); an endpoint that cannot bind is refused the same way, so a port clash
 * never leaves the export half-applied. A same-values reconfiguration does nothing.
 */
@Component(service = {}, configurationPid = MetricsConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = MetricsConfig.class)
public class MetricsExportComponent {

    @Reference
    private ResilienceView view;

    @Reference
    private ResilienceManager manager;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /** Every DWCP node in the framework (one in a runtime), for the transport's families. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<DWCPManager> nodes = List.of();

    private final LatencyHistograms histograms = new LatencyHistograms();
    private final PrometheusExposition exposition = new PrometheusExposition();

    /** The documented defaults. */
    static final MetricsConfig DEFAULTS = read(new ConfigReader(MetricsConfig.PID, Map.of()));

    private final AcceptedConfiguration accepted = new AcceptedConfiguration();
    private MetricsConfig settings;
    private HttpServer http;
    private ExecutorService httpExecutor;
    private JmxExporter jmx;
    private ScheduledExecutorService jmxRefresher;

    /*
     * The latency observer is registered by hand rather than as this component's service: the
     * component needs the manager, and the manager binds every CallObserver, so declaring the
     * observer as a DS service makes SCR report a circular reference while the manager activates.
     */
    private ServiceRegistration<CallObserver> observer;

    @Activate
    synchronized void activate(BundleContext context, Map<String, Object> properties) {
        observer = context.registerService(CallObserver.class, histograms, null);
        MetricsConfig wanted;
        ConfigReader reader = ConfigReader.of(properties, MetricsConfig.PID);
        try {
            wanted = read(reader);
            reader.warnUnreadKeys(logger);
        } catch (InvalidConfigurationException e) {
            refuse(e);
            wanted = DEFAULTS;
        }
        try {
            apply(wanted);
            accepted.accept(properties);
        } catch (InvalidConfigurationException e) {
            refuse(e);
        }
    }

    /** A refused change, or an endpoint that cannot bind, leaves the previous settings running. */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        if (accepted.isSame(properties)) {
            return; // the same values again (Karaf re-reading etc/): nothing to log, post or restart
        }
        ConfigReader reader = ConfigReader.of(properties, MetricsConfig.PID);
        try {
            MetricsConfig next = read(reader);
            if (!next.equals(settings)) {
                apply(next);
                logger.info("{} reconfigured: {}", reader.pid(), next);
            }
            accepted.accept(properties);
            reader.warnUnreadKeys(logger);
        } catch (InvalidConfigurationException e) {
            refuse(e);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        observer.unregister();
        stopHttp();
        stopJmx();
    }

    /**
     * @param c the configuration: defaults and bounds are the Metatype's; here only what it cannot say
     * @throws InvalidConfigurationException naming the PID, the key, the value and the rule
     */
    static MetricsConfig read(ConfigReader c) {
        MetricsConfig k = c.typed(MetricsConfig.class);
        if (k.host().isEmpty() || k.host().contains(" ")) {
            throw c.refuse("host", k.host(), "must be a host name or address, e.g. 127.0.0.1");
        }
        if (!k.path().startsWith("/") || k.path().chars().anyMatch(ch -> ch <= ' ' || ch == '?' || ch == '#')) {
            throw c.refuse("path", k.path(), "must start with '/' and hold no blank, '?' or '#'");
        }
        return k;
    }

    /** Applies new settings whole, or throws and leaves the old ones running. */
    private void apply(MetricsConfig next) {
        MetricsConfig previous = settings;
        boolean httpChanged = previous == null || previous.http_enabled() != next.http_enabled() || !previous.host().equals(next.host())
                || previous.port() != next.port() || !previous.path().equals(next.path());
        if (httpChanged) {
            HttpServer old = http;
            ExecutorService oldExecutor = httpExecutor;
            boolean samePort = previous != null && previous.http_enabled() && previous.port() == next.port() && next.port() != 0;
            if (samePort) {
                stopHttp(); // the new server needs the port; restarted below if the new one fails
            }
            try {
                if (next.http_enabled()) {
                    startHttp(next);
                } else {
                    http = null;
                    httpExecutor = null;
                }
            } catch (IOException | RuntimeException e) {
                if (samePort && previous != null) {
                    try {
                        startHttp(previous);
                    } catch (IOException again) {
                        logger.warn("the previous Prometheus endpoint could not be restored: {}", again.toString());
                    }
                } else {
                    http = old;
                    httpExecutor = oldExecutor;
                }
                throw new InvalidConfigurationException(MetricsConfig.PID, "port", next.host() + ":" + next.port(),
                        "the Prometheus endpoint cannot listen there: " + e);
            }
            if (!samePort && old != null) {
                old.stop(0);
                oldExecutor.shutdownNow();
            }
        }
        if (previous == null || previous.jmx_enabled() != next.jmx_enabled() || previous.jmx_refresh_seconds() != next.jmx_refresh_seconds()) {
            stopJmx();
            if (next.jmx_enabled()) {
                startJmx(next);
            }
        }
        settings = next;
    }

    private void startHttp(MetricsConfig s) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(s.host(), s.port()), 16);
        server.createContext(s.path(), this::serve);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dwcp-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        http = server;
        httpExecutor = executor;
        logger.info("Prometheus endpoint at http://{}:{}{}", s.host(), server.getAddress().getPort(), s.path());
    }

    private void stopHttp() {
        if (http != null) {
            http.stop(0);
            http = null;
        }
        if (httpExecutor != null) {
            httpExecutor.shutdownNow();
            httpExecutor = null;
        }
    }

    private void startJmx(MetricsConfig s) {
        JmxExporter exporter = new JmxExporter(ManagementFactory.getPlatformMBeanServer(), this::operationMetrics, manager::metrics,
                view::figures);
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dwcp-metrics-jmx");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                exporter.refresh();
            } catch (JMException | RuntimeException e) {
                logger.warn("JMX MBeans could not be refreshed: {}", e.toString());
            }
        }, 0, s.jmx_refresh_seconds(), TimeUnit.SECONDS);
        jmx = exporter;
        jmxRefresher = refresher;
    }

    private void stopJmx() {
        if (jmxRefresher != null) {
            jmxRefresher.shutdownNow();
            try {
                jmxRefresher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jmxRefresher = null;
        }
        if (jmx != null) {
            jmx.close();
            jmx = null;
        }
    }

    private List<OperationMetrics> operationMetrics() {
        List<OperationMetrics> out = new ArrayList<>();
        for (String op : manager.operations()) {
            out.add(manager.metrics(op));
        }
        return out;
    }

    /** @return one scrape, as the endpoint serves it */
    MetricSnapshots scrape() {
        List<TransportExposition.Node> transport = new ArrayList<>();
        for (DWCPManager n : nodes) {
            try {
                transport.add(new TransportExposition.Node(n.metrics(), n.peers()));
            } catch (RuntimeException e) {
                // a node going away during the scrape: left out of this one
            }
        }
        return exposition.build(operationMetrics(), histograms.all(), view.figures(), transport);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
                exposition.write(bytes, scrape());
                body = bytes.toByteArray();
            } catch (RuntimeException e) {
                logger.warn("a scrape failed: {}", e.toString());
                byte[] msg = ("scrape failed: " + e + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, msg.length);
                exchange.getResponseBody().write(msg);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", exposition.contentType());
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void refuse(InvalidConfigurationException e) {
        ConfigRefusals.report(logger, eventAdmin, e);
    }
}
