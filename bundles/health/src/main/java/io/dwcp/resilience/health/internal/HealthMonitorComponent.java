package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.NamedThreads;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Constants;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The health monitor: the whiteboard of {@link HealthCheck} and {@link HealthListener} services,
 * run by a {@link HealthRunner} on its own threads (one scheduler, a worker per running check, one
 * notifier), all stopped on deactivation.
 */
// Registered by the kit, not by SCR: declared here so that resolvers see the services.
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"io.dwcp.resilience.api.health.HealthMonitor,io.dwcp.resilience.api.metrics.MetricsSource\"",
        uses = {HealthMonitor.class, MetricsSource.class})
@Component(configurationPid = HealthConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}) // the kit registers HealthMonitor and MetricsSource with the accepted properties
@Designate(ocd = HealthConfig.class)
public final class HealthMonitorComponent extends ConfiguredComponent<HealthConfig>
        implements HealthMonitor, MetricsSource, HealthEvents {

    /** The metrics source name. */
    static final String SOURCE = "health";

    // guarded by this: checks bound before activation wait here
    private final Map<Long, Bound> bound = new LinkedHashMap<>();
    private final List<HealthListener> boundListeners = new ArrayList<>();
    private HealthRunner runner;
    private ScheduledThreadPoolExecutor scheduler;
    private ExecutorService workers;
    private ExecutorService notifier;

    public HealthMonitorComponent() {
        super(HealthConfig.PID, HealthMonitor.class, MetricsSource.class);
    }

    /** Defaults and bounds: the Metatype's (an interval of at least 10 ms, a timeout of at least 1 ms). */
    @Override
    protected HealthConfig read(ConfigReader config) {
        return config.typed(HealthConfig.class);
    }

    /** The monitor always runs: a refused first configuration leaves the specified defaults in force. */
    @Override
    protected HealthConfig fallback() {
        return read(new ConfigReader(HealthConfig.PID, Map.of()));
    }

    @Override
    protected String describe(HealthConfig settings) {
        return "checks every " + settings.default_interval_ms() + " ms by default, timeout "
                + settings.default_timeout_ms() + " ms";
    }

    @Override
    protected synchronized void start(HealthConfig settings) {
        scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreads("dwcp-health-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        workers = Executors.newCachedThreadPool(new NamedThreads("dwcp-health-check"));
        notifier = Executors.newSingleThreadExecutor(new NamedThreads("dwcp-health-notifier"));
        runner = new HealthRunner(TimeSource.SYSTEM, new ExecutorScheduler(scheduler), workers, notifier, this, settings);
        for (HealthListener listener : boundListeners) {
            runner.addListener(listener);
        }
        for (Map.Entry<Long, Bound> entry : bound.entrySet()) {
            admit(entry.getKey(), entry.getValue());
        }
    }

    @Override
    protected synchronized void apply(HealthConfig previous, HealthConfig next) {
        runner.updateSettings(next);
    }

    @Override
    protected synchronized void stop() {
        runner.stop();
        scheduler.shutdownNow();
        workers.shutdownNow();
        notifier.shutdownNow();
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                logger.warn("a health check ignored interruption and still runs on a daemon thread");
            }
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
            notifier.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner = null;
    }

    // ---- whiteboard ---------------------------------------------------------------------------

    @Reference(name = "check", service = HealthCheck.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindCheck(HealthCheck check, Map<String, Object> properties) {
        long key = serviceId(properties);
        Bound b = new Bound(check, properties);
        bound.put(key, b);
        if (runner != null) {
            admit(key, b);
        }
    }

    synchronized void updatedCheck(HealthCheck check, Map<String, Object> properties) {
        long key = serviceId(properties);
        Bound previous = bound.get(key);
        Bound b = new Bound(check, properties);
        bound.put(key, b);
        if (runner == null) {
            return;
        }
        String name = safeName(check);
        if (previous != null && name != null && name.equals(previous.admittedName)) {
            b.admittedName = name;
            b.intervalMillis = millis(b, HealthCheck.INTERVAL_MILLIS, CheckIntervals.MIN_INTERVAL_MILLIS, previous.intervalMillis);
            b.timeoutMillis = millis(b, HealthCheck.TIMEOUT_MILLIS, 1, previous.timeoutMillis);
            runner.update(key, b.intervalMillis, b.timeoutMillis);
        } else {
            runner.remove(key);
            admit(key, b);
        }
    }

    synchronized void unbindCheck(HealthCheck check, Map<String, Object> properties) {
        long key = serviceId(properties);
        bound.remove(key);
        if (runner != null) {
            String name = runner.remove(key);
            if (name != null) {
                logger.info("health check '{}' removed", name);
            }
        }
    }

    @Reference(name = "listener", service = HealthListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    synchronized void bindListener(HealthListener listener) {
        boundListeners.add(listener);
        if (runner != null) {
            runner.addListener(listener);
        }
    }

    synchronized void unbindListener(HealthListener listener) {
        boundListeners.remove(listener);
        if (runner != null) {
            runner.removeListener(listener);
        }
    }

    private void admit(long key, Bound b) {
        String name = safeName(b.check);
        long interval = millis(b, HealthCheck.INTERVAL_MILLIS, CheckIntervals.MIN_INTERVAL_MILLIS, 0);
        long timeout = millis(b, HealthCheck.TIMEOUT_MILLIS, 1, 0);
        switch (runner.add(key, b.check, name, interval, timeout)) {
            case ACTIVE:
                b.admittedName = name;
                b.intervalMillis = interval;
                b.timeoutMillis = timeout;
                logger.info("health check '{}' added (service {})", name, key);
                break;
            case WAITING:
                b.admittedName = name;
                b.intervalMillis = interval;
                b.timeoutMillis = timeout;
                logger.warn("health check '{}' (service {}) has the name of another check; it runs once that one goes away",
                        name, key);
                break;
            default:
                logger.error("health check service {} refused: its name '{}' is blank or reserved", key, name);
                break;
        }
    }

    private long millis(Bound b, String property, long minimum, long previous) {
        Object raw = b.properties.get(property);
        long millis = CheckIntervals.parse(raw, minimum);
        if (millis < 0) {
            logger.warn("health check '{}': {}={} is not a number of at least {} ms; keeping {}", safeName(b.check), property,
                    raw, minimum, previous == 0 ? "the default" : previous + " ms");
            return previous;
        }
        return millis;
    }

    private static String safeName(HealthCheck check) {
        try {
            return check.name();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long serviceId(Map<String, Object> properties) {
        return ((Number) properties.get(Constants.SERVICE_ID)).longValue();
    }

    /** A bound check service and what the runner made of it. */
    private static final class Bound {
        final HealthCheck check;
        final Map<String, Object> properties;
        String admittedName;
        long intervalMillis;
        long timeoutMillis;

        Bound(HealthCheck check, Map<String, Object> properties) {
            this.check = check;
            this.properties = properties;
        }
    }

    // ---- HealthMonitor ------------------------------------------------------------------------

    private synchronized HealthRunner runner() {
        return runner;
    }

    @Override
    public HealthStatus status() {
        HealthRunner r = runner();
        return r == null ? HealthStatus.UNKNOWN : r.status();
    }

    @Override
    public List<HealthCheckReport> reports() {
        HealthRunner r = runner();
        return r == null ? List.of() : r.reports();
    }

    @Override
    public Optional<HealthCheckReport> report(String check) {
        HealthRunner r = runner();
        return r == null ? Optional.empty() : r.report(check);
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        long now = System.currentTimeMillis();
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        List<HealthCheckReport> reports = reports();
        Map<String, Number> overall = new LinkedHashMap<>();
        overall.put("status", HealthStatuses.severity(status()));
        overall.put("checks", reports.size());
        snapshots.add(new MetricsSnapshot(SOURCE, OVERALL, overall, now));
        for (HealthCheckReport report : reports) {
            Map<String, Number> values = new LinkedHashMap<>();
            values.put("status", HealthStatuses.severity(report.status()));
            values.put("runs", report.runs());
            values.put("successes", report.successes());
            values.put("timeouts", report.timeouts());
            values.put("successRate", report.successRate());
            values.put("recentSuccessRate", report.recentSuccessRate());
            values.put("lastDurationMillis", report.lastDurationNanos() / 1e6);
            snapshots.add(new MetricsSnapshot(SOURCE, report.name(), values, now));
        }
        return snapshots;
    }

    // ---- HealthEvents (notifier thread) -------------------------------------------------------

    @Override
    public void statusChanged(StatusChange change) {
        String line = "health " + (OVERALL.equals(change.check()) ? "overall" : "check '" + change.check() + "'") + ": "
                + change.from() + " -> " + change.to() + ": " + change.result().message();
        if (HealthStatuses.severity(change.to()) > HealthStatuses.severity(change.from())
                && change.to() != HealthStatus.HEALTHY) {
            logger.warn(line);
        } else {
            logger.info(line);
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(ResilienceEvents.HEALTH_STATUS_CHANGED, Map.of(
                    ResilienceEvents.NAME, change.check(),
                    ResilienceEvents.FROM, change.from().name(),
                    ResilienceEvents.TO, change.to().name(),
                    ResilienceEvents.REASON, change.result().message(),
                    ResilienceEvents.TIMESTAMP, change.result().timestampMillis())));
        }
    }

    @Override
    public void listenerFailed(HealthListener listener, StatusChange change, Throwable failure) {
        logger.error("health listener {} failed on {} -> {} of '{}'", listener, change.from(), change.to(), change.check(),
                failure);
    }
}
