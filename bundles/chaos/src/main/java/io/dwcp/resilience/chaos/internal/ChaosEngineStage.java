package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Constants;
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
 * The OSGi face of the {@link ChaosEngine}: the outermost {@link Stage} of every chain (where it
 * decides; the faults it picks take effect innermost, around the operation), the
 * operator's {@link ChaosControl} and a {@link MetricsSource}. It tracks every
 * {@link FaultInjector} and {@link PartitionPolicy} service, runs the expiry timer, and writes the
 * audit trail to the log and EventAdmin.
 *
 * <p>The configuration is optional: without one the engine is present but not allowed, so that an
 * operator asking to arm gets a clear refusal rather than silence. It is read, refused and applied
 * by the stage kit ({@link ConfiguredComponent}): a refused change keeps the settings in force and
 * the service properties, a refused first configuration starts with the documented defaults (chaos
 * not allowed), a same-values reconfiguration does nothing.
 */
@Designate(ocd = ChaosConfig.class)
@Component(configurationPid = ChaosConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
public class ChaosEngineStage extends ConfiguredComponent<ChaosSettings>
        implements Stage, ChaosControl, MetricsSource, ChaosAudit {

    /** Event property: the arming's end, wall-clock milliseconds. */
    static final String EXPIRES_AT = "expiresAt";
    /** Event property: the injection probability. */
    static final String PROBABILITY = "probability";
    /** Event property: the peer of the call. */
    static final String PEER = "peer";

    /** The chain's clock, when one is registered (static: the component restarts on a new one). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private TimeSource timeSource;

    private final ChaosEngine engine;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> expiry; // guarded by this

    /**
     * For DS. The engine exists before activation, because DS binds the injectors first; it runs on
     * the registered {@link TimeSource} (else the JVM's clocks) and starts not allowed.
     */
    public ChaosEngineStage() {
        super(ChaosConfig.PID, "chaos", Stage.class, ChaosControl.class, MetricsSource.class);
        TimeSource clock = new TimeSource() {
            @Override
            public long nanoTime() {
                return clock().nanoTime();
            }

            @Override
            public long currentTimeMillis() {
                return clock().currentTimeMillis();
            }

            @Override
            public void sleepUntil(long untilNanos) throws InterruptedException {
                clock().sleepUntil(untilNanos);
            }
        };
        this.engine = new ChaosEngine(clock, () -> ThreadLocalRandom.current().nextDouble(), this, ChaosSettings.DEFAULTS);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dwcp-chaos-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    private TimeSource clock() {
        TimeSource t = timeSource;
        return t == null ? TimeSource.SYSTEM : t;
    }

    @Override
    protected ChaosSettings read(ConfigReader config) {
        return ChaosSettings.from(config);
    }

    /** A malformed first configuration must not remove the kill switch nor the stage: chaos is then not allowed. */
    @Override
    protected ChaosSettings fallback() {
        return ChaosSettings.DEFAULTS;
    }

    @Override
    protected void start(ChaosSettings settings) {
        engine.configure(settings);
    }

    @Override
    protected void apply(ChaosSettings previous, ChaosSettings next) {
        engine.configure(next);
    }

    @Override
    protected void stop() {
        engine.close("chaos engine stopped");
        timer.shutdownNow();
    }

    @Override
    protected String describe(ChaosSettings s) {
        return "allowed=" + s.allowed() + ", probability=" + s.probability() + ", operations="
                + Selectors.describe(s.operations()) + ", peers=" + Selectors.describe(s.peers()) + ", injectors="
                + (s.weights().isEmpty() ? "all" : s.weights());
    }

    // ------------------------------------------------------------------ Stage

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        return engine.execute(inv, next);
    }

    // ------------------------------------------------------------------ ChaosControl

    @Override
    public ChaosStatus arm(ArmRequest request) {
        ChaosStatus status = engine.arm(request);
        scheduleExpiry(TimeUnit.MILLISECONDS.toNanos(Math.max(0, status.expiresAtMillis() - status.armedAtMillis())));
        return status;
    }

    @Override
    public ChaosStatus disarm(String reason) {
        return engine.disarm(reason);
    }

    @Override
    public ChaosStatus status() {
        return engine.status();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        return List.of(engine.metrics());
    }

    private synchronized void scheduleExpiry(long delayNanos) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (timer.isShutdown()) {
            return;
        }
        expiry = timer.schedule(this::checkExpiry, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkExpiry() {
        long left = engine.expireIfDue();
        if (left > 0) {
            // The chain's clock may run apart from the timer's (a test clock): look again soon.
            scheduleExpiry(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }

    // ------------------------------------------------------------------ injector registry

    @Reference(service = FaultInjector.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addInjector(FaultInjector injector, Map<String, Object> properties) {
        String name = name(properties, injector.name());
        engine.addInjector(new Registration<>(name, ranking(properties), serviceId(properties), injector));
        info("fault injector '{}' available (service {})", name, serviceId(properties));
    }

    void removeInjector(FaultInjector injector, Map<String, Object> properties) {
        engine.removeInjector(serviceId(properties));
        info("fault injector '{}' gone (service {})", name(properties, "?"), serviceId(properties));
    }

    void updatedInjector(FaultInjector injector, Map<String, Object> properties) {
        engine.removeInjector(serviceId(properties));
        engine.addInjector(new Registration<>(name(properties, injector.name()), ranking(properties),
                serviceId(properties), injector));
    }

    @Reference(service = PartitionPolicy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addPartitionPolicy(PartitionPolicy policy, Map<String, Object> properties) {
        engine.addPartitionPolicy(new Registration<>(name(properties, "partition"), ranking(properties),
                serviceId(properties), policy));
    }

    void removePartitionPolicy(PartitionPolicy policy, Map<String, Object> properties) {
        engine.removePartitionPolicy(serviceId(properties));
    }

    /** DS may bind the injectors before the logger: no bind order may fail (issue 13.1). */
    private void info(String format, Object... args) {
        org.osgi.service.log.Logger l = logger;
        if (l != null) {
            l.info(format, args);
        }
    }

    private static String name(Map<String, Object> properties, String fallback) {
        Object name = properties.get(FaultInjector.NAME);
        return name instanceof String && !((String) name).isBlank() ? (String) name : fallback;
    }

    private static int ranking(Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        return ranking instanceof Integer ? (Integer) ranking : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return (Long) properties.get(Constants.SERVICE_ID);
    }

    // ------------------------------------------------------------------ audit trail

    @Override
    public void armed(ChaosStatus s) {
        logger.warn("AUDIT chaos ARMED until {} ({} ms): reason '{}', probability {}, operations {}, peers {}, "
                + "injectors {}", java.time.Instant.ofEpochMilli(s.expiresAtMillis()),
                s.expiresAtMillis() - s.armedAtMillis(), s.reason(), s.probability(), s.operations(), s.peers(),
                s.weights().isEmpty() ? "all " + s.availableInjectors() : s.weights());
        Map<String, Object> props = new HashMap<>();
        props.put(ResilienceEvents.REASON, s.reason());
        props.put(EXPIRES_AT, s.expiresAtMillis());
        props.put(PROBABILITY, s.probability());
        props.put(ResilienceEvents.TIMESTAMP, s.armedAtMillis());
        post(ResilienceEvents.CHAOS_ARMED, props);
    }

    @Override
    public void idle(ChaosStatus s) {
        logger.warn("AUDIT chaos armed until {} but injects nothing: none of its injectors {} is registered any more "
                + "(available: {}); it resumes when one comes back, or disarm it", java.time.Instant.ofEpochMilli(
                s.expiresAtMillis()), s.weights().isEmpty() ? "(all)" : s.weights().keySet(), s.availableInjectors());
    }

    @Override
    public void refused(String reason) {
        logger.warn("AUDIT {}", reason);
    }

    @Override
    public void disarmed(String reason, boolean wasArmed, ChaosStatus s) {
        if (wasArmed) {
            logger.warn("AUDIT chaos DISARMED: {}; every injector reverted; injections so far {}", reason,
                    s.injections());
            post(ResilienceEvents.CHAOS_DISARMED, Map.of(ResilienceEvents.REASON, reason,
                    ResilienceEvents.TIMESTAMP, System.currentTimeMillis()));
        } else {
            logger.info("AUDIT chaos kill switch while disarmed ({}): every injector reverted", reason);
        }
    }

    @Override
    public void injected(String injector, Invocation inv) {
        // WARN, like arm and disarm: faults in live traffic belong in the default log, every one of them.
        logger.warn("AUDIT chaos injected '{}' into {} (peer '{}', attempt {})", injector, inv.operation(), inv.peer(),
                inv.attempt());
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> props = new HashMap<>();
            props.put(ResilienceEvents.NAME, injector);
            props.put(ResilienceEvents.OPERATION, inv.operation());
            props.put(PEER, inv.peer());
            props.put(ResilienceEvents.TIMESTAMP, System.currentTimeMillis());
            ea.postEvent(new Event(ResilienceEvents.CHAOS_INJECTED, props));
        }
    }

    @Override
    public void revertFailed(String injector, Throwable failure) {
        logger.error("AUDIT chaos: revert of injector '{}' failed; the others were reverted", injector, failure);
    }

    private void post(String topic, Map<String, ?> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }
}
