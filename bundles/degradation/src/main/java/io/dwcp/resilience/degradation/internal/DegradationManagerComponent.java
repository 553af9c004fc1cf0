package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.NamedThreads;
import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationListener;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The degradation manager: a {@link DegradationEngine} fed by every call ({@link CallObserver}),
 * health check changes ({@link HealthListener}) and error-budget events ({@link EventHandler} on
 * {@link ResilienceEvents#BUDGET_EXHAUSTED} and {@link ResilienceEvents#BUDGET_RECOVERED}), judged
 * on its own scheduler thread, telling {@link DegradationListener}s, EventAdmin and the log about
 * every level change. Operators' overrides are kept in the {@link StateStore} when there is one.
 *
 * <p>On the stage kit ({@link ConfiguredComponent}): a malformed or out-of-range value is refused
 * with PID, key and reason, the settings in force stay (the documented defaults when the first
 * configuration is refused: the manager always runs), a same-values reconfiguration does nothing,
 * and an unknown key is warned about.
 */
// Registered by the kit, not by SCR: declared here so that resolvers see the services.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"io.dwcp.resilience.api.degradation.DegradationManager,"
        + "io.dwcp.resilience.api.CallObserver,io.dwcp.resilience.api.health.HealthListener,org.osgi.service.event.EventHandler,"
        + "io.dwcp.resilience.api.metrics.MetricsSource\"",
        uses = {DegradationManager.class, CallObserver.class, HealthListener.class, MetricsSource.class})
@Component(configurationPid = DegradationSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, // the kit registers the services below with the accepted properties (a refused value is never republished)
        property = {EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.BUDGET_EXHAUSTED,
                EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.BUDGET_RECOVERED})
@Designate(ocd = DegradationConfig.class)
public final class DegradationManagerComponent extends ConfiguredComponent<DegradationSettings>
        implements DegradationManager, CallObserver, HealthListener, EventHandler, MetricsSource {

    /** The metrics source name. */
    static final String SOURCE = "degradation";

    /** The layer's clock when one is registered (tests register a manual one), else the system's. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    TimeSource timeSource;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<DegradationListener> listeners = new CopyOnWriteArrayList<>();

    private volatile StateStore stateStore;
    private volatile DegradationEngine engine;
    private ScheduledExecutorService ticker;
    private ExecutorService notifier;
    private ScheduledFuture<?> ticking;

    public DegradationManagerComponent() {
        super(DegradationSettings.PID, DegradationManager.class, CallObserver.class, HealthListener.class,
                EventHandler.class, MetricsSource.class);
    }

    @Override
    protected DegradationSettings read(ConfigReader config) {
        return DegradationSettings.from(config);
    }

    @Override
    protected DegradationSettings fallback() {
        return DegradationSettings.from(new ConfigReader(DegradationSettings.PID, Map.of()));
    }

    @Override
    protected String describe(DegradationSettings s) {
        return "window " + s.windowSlots() * TimeUnit.NANOSECONDS.toMillis(s.evaluationNanos()) + " ms, recovery hold "
                + TimeUnit.NANOSECONDS.toMillis(s.holdNanos()) + " ms, table " + s.table().degraded() + "x/"
                + s.table().severe() + "x/" + s.table().emergency() + "x";
    }

    @Override
    protected void start(DegradationSettings settings) {
        notifier = Executors.newSingleThreadExecutor(new NamedThreads("dwcp-degradation-notifier"));
        ticker = Executors.newSingleThreadScheduledExecutor(new NamedThreads("dwcp-degradation"));
        engine = new DegradationEngine(timeSource == null ? TimeSource.SYSTEM : timeSource, settings, this::changed);
        schedule(settings);
        restoreOverrides();
    }

    @Override
    protected void apply(DegradationSettings previous, DegradationSettings settings) {
        engine.update(settings);
        if (settings.evaluationNanos() != previous.evaluationNanos()) {
            ticking.cancel(false);
            schedule(settings);
        }
    }

    @Override
    protected void stop() {
        saveOverrides();
        ticker.shutdownNow();
        notifier.shutdown();
        try {
            notifier.awaitTermination(1, TimeUnit.SECONDS);
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine = null;
    }

    private void schedule(DegradationSettings settings) {
        long period = settings.evaluationNanos();
        ticking = ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        DegradationEngine e = engine;
        if (e == null) {
            return;
        }
        try {
            e.tick();
        } catch (RuntimeException ex) {
            // a scheduled task that throws is never run again: log and keep ticking
            logger.error("degradation evaluation failed", ex);
        }
    }

    // ---- state store --------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStateStore(StateStore store) {
        stateStore = store;
        if (engine != null) {
            restoreOverrides();
        }
    }

    void unbindStateStore(StateStore store) {
        if (stateStore == store) {
            stateStore = null;
        }
    }

    private void restoreOverrides() {
        StateStore store = stateStore;
        DegradationEngine e = engine;
        if (store == null || e == null) {
            return;
        }
        try {
            Optional<byte[]> record = store.load(OverrideCodec.KEY);
            if (record.isPresent()) {
                int restored = e.restore(OverrideCodec.decode(record.get()));
                if (restored > 0) {
                    logger.warn("{} operator override(s) restored from the state store", restored);
                }
            }
        } catch (IOException | IllegalArgumentException ex) {
            logger.error("degradation overrides could not be restored from the state store ({}): starting without them",
                    ex.getMessage());
        }
    }

    private void saveOverrides() {
        StateStore store = stateStore;
        DegradationEngine e = engine;
        if (store == null || e == null) {
            return;
        }
        try {
            store.save(OverrideCodec.KEY, OverrideCodec.encode(e.overrides()));
        } catch (IOException | IllegalArgumentException ex) {
            logger.error("degradation overrides could not be saved to the state store: {}", ex.getMessage());
        }
    }

    // ---- signals in ---------------------------------------------------------------------------

    @Override
    public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
        DegradationEngine e = engine;
        if (e != null) {
            e.onCall(inv.operation(), outcome, latencyNanos);
        }
    }

    /** The manager's per-thread observer: this thread's counters for {@code operation}, found once per engine. */
    @Override
    public CallObserver forCaller(String operation) {
        return new CallObserver() {
            private DegradationEngine boundTo;
            private DegradationEngine.Caller caller;

            @Override
            public void onCall(Invocation inv, CallOutcome outcome, long latencyNanos, Throwable failure) {
                DegradationEngine e = engine;
                if (e == null) {
                    return;
                }
                if (e != boundTo) {
                    caller = e.caller(operation);
                    boundTo = e;
                }
                caller.record(outcome, latencyNanos);
            }
        };
    }

    @Override
    public void onStatusChanged(String check, HealthStatus from, HealthStatus to, HealthResult result) {
        DegradationEngine e = engine;
        if (e != null && !HealthMonitor.OVERALL.equals(check)) {
            e.health(check, to, result.message());
        }
    }

    @Override
    public void onHealthy(String check, HealthResult result) {
        // onStatusChanged already carried it
    }

    @Override
    public void onUnhealthy(String check, HealthResult result) {
        // onStatusChanged already carried it
    }

    @Override
    public void handleEvent(Event event) {
        DegradationEngine e = engine;
        if (e == null) {
            return;
        }
        boolean exhausted = ResilienceEvents.BUDGET_EXHAUSTED.equals(event.getTopic());
        e.budget(budgetName(event), exhausted, text(event.getProperty(ResilienceEvents.REASON)));
    }

    /**
     * @param event a budget event
     * @return the budget it is about: its operation ({@code *} when absent), and its name when it has one
     */
    static String budgetName(Event event) {
        String operation = text(event.getProperty(ResilienceEvents.OPERATION));
        String name = text(event.getProperty(ResilienceEvents.NAME));
        String budget = operation.isEmpty() ? "*" : operation;
        return name.isEmpty() || name.equals(budget) ? budget : budget + "/" + name;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    // ---- level changes out (the engine calls this under its lock: hand off at once) ------------

    private void changed(LevelChange change) {
        try {
            notifier.execute(() -> deliver(change));
        } catch (RejectedExecutionException e) {
            // deactivating: nobody is left to tell
        }
    }

    private void deliver(LevelChange change) {
        String line = "degradation " + (OVERALL.equals(change.component()) ? "overall" : "of " + change.component()) + ": "
                + change.from() + " -> " + change.to() + ": " + change.reason();
        if (change.to().isWorseThan(change.from())) {
            logger.warn(line);
        } else {
            logger.info(line);
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(ResilienceEvents.DEGRADATION_LEVEL_CHANGED, Map.of(
                    ResilienceEvents.COMPONENT, change.component(),
                    ResilienceEvents.FROM, change.from().name(),
                    ResilienceEvents.TO, change.to().name(),
                    ResilienceEvents.REASON, change.reason(),
                    ResilienceEvents.TIMESTAMP, change.timestampMillis())));
        }
        for (DegradationListener listener : listeners) {
            try {
                listener.onLevelChanged(change.component(), change.from(), change.to(), change.reason());
            } catch (RuntimeException e) {
                logger.error("degradation listener {} failed on {} -> {} of {}", listener, change.from(), change.to(),
                        change.component(), e);
            }
        }
    }

    // ---- DegradationManager -------------------------------------------------------------------

    private DegradationEngine engine() {
        DegradationEngine e = engine;
        if (e == null) {
            throw new IllegalStateException("the degradation manager is not active");
        }
        return e;
    }

    @Override
    public DegradationLevel level() {
        DegradationEngine e = engine;
        return e == null ? DegradationLevel.NORMAL : e.level();
    }

    @Override
    public DegradationLevel level(String component) {
        DegradationEngine e = engine;
        return e == null ? DegradationLevel.NORMAL : e.level(component);
    }

    @Override
    public List<ComponentLevel> components() {
        return engine().components();
    }

    @Override
    public boolean isFeatureEnabled(String feature) {
        DegradationEngine e = engine;
        return e == null || e.isFeatureEnabled(feature);
    }

    @Override
    public Set<String> enabledFeatures() {
        return engine().enabledFeatures();
    }

    @Override
    public void override(String component, DegradationLevel level, Duration duration, String reason) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("an override lasts a positive time, not " + duration);
        }
        engine().override(component, level, duration.toNanos(), reason);
        logger.warn("operator override: {} forced to {} for {} ({})", component, level, duration, reason);
        saveOverrides();
    }

    @Override
    public boolean clearOverride(String component) {
        boolean cleared = engine().clearOverride(component);
        if (cleared) {
            logger.warn("operator override of {} cleared", component);
            saveOverrides();
        }
        return cleared;
    }

    // ---- metrics ------------------------------------------------------------------------------

    @Override
    public List<MetricsSnapshot> metrics() {
        DegradationEngine e = engine;
        if (e == null) {
            return List.of();
        }
        long now = System.currentTimeMillis();
        List<MetricsSnapshot> snapshots = new ArrayList<>();
        for (ComponentLevel c : e.components()) {
            Map<String, Number> values = new LinkedHashMap<>();
            values.put("level", c.level().ordinal());
            values.put("computedLevel", c.computed().ordinal());
            values.put("overridden", c.overridden() ? 1 : 0);
            e.window(c.component()).ifPresent(w -> {
                values.put("windowCalls", w.calls());
                values.put("windowErrorRate", w.errorRate());
            });
            if (OVERALL.equals(c.component())) {
                values.put("enabledFeatures", e.enabledFeatures().size());
            }
            snapshots.add(new MetricsSnapshot(SOURCE, c.component(), values, now));
        }
        return snapshots;
    }
}
