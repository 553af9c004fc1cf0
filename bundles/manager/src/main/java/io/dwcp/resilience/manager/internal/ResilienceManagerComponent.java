package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.kit.AcceptedConfiguration;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfigRefusals;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.StagePosition;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The OSGi face of the {@link ChainManager}: tracks every {@link Stage}, {@link CallObserver} and
 * {@link TimeSource} service, applies the {@value ManagerConfig#PID} configuration, and logs and
 * publishes what changes.
 */
// Registered by the component itself (see register()), declared here so that resolvers see the services.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"io.dwcp.resilience.api.ResilienceManager,"
        + "org.osgi.service.cm.ConfigurationListener\"", uses = ResilienceManager.class)
@Designate(ocd = ManagerConfig.class)
@Component(service = {}, // not SCR's: SCR would republish a refused configuration as service properties
        configurationPid = ManagerConfig.PID, immediate = true)
public class ResilienceManagerComponent implements ResilienceManager, ConfigurationListener, ManagerLog {

    private static final long OBSERVER_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Injected through the constructor, so it is there before DS calls any bind method: when stage
     * services already exist, DS binds them before it would inject a field, and a stage bound then
     * must still be logged.
     */
    private final Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private final AtomicLong lastObserverFailureLog = new AtomicLong(Long.MIN_VALUE);
    private final ChainManager manager = new ChainManager(this, this::chainsChanged, this::observerFailed);

    /** Read at start-up only: which stage kinds the configuration gives each operation (the start-up gate). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    private volatile boolean active;

    /** The manager's own services, registered by {@link #register}; guarded by {@code this}. */
    private ServiceRegistration<?> registration;

    /** Service properties only the framework sets. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of(Constants.OBJECTCLASS, Constants.SERVICE_ID,
            Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE);

    /** Keys that are the component's, not the configuration's values: published even when no configuration was accepted. */
    private static final Set<String> OWN_KEYS = Set.of("component.name", "component.id", Constants.SERVICE_PID);

    @Activate
    public ResilienceManagerComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    /** The configuration last applied: a reconfiguration with the same values changes nothing. */
    private final AcceptedConfiguration accepted = new AcceptedConfiguration();

    /**
     * The configuration is read from the raw map through the kit's reader, never as SCR's typed
     * {@code ManagerConfig}: SCR would throw a bare {@code ComponentException} for
     * {@code max.operations = lots}, and the manager would not start at all.
     */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        manager.started();
        try {
            apply(properties);
        } catch (InvalidConfigurationException e) {
            refused(e);
            manager.configure(MissingStagePolicies.ALL_BYPASS, 256, HoldSettings.DEFAULT);
            logger.warn("running with the defaults (missing.stage.policy=bypass, max.operations=256, {}) until a "
                    + "valid configuration arrives", manager.holdSettings());
        }
        // Stages that existed before the manager were bound before EventAdmin could be: announce the
        // chains as they stand once the manager is in service.
        Set<String> operations = manager.operations();
        if (!operations.isEmpty()) {
            chainsChanged(operations);
        }
        active = true;
        expectConfiguredStages();
        register(context, properties);
    }

    @Deactivate
    void deactivate() {
        unregister();
        active = false;
    }

    @Modified
    void modified(Map<String, Object> properties) {
        if (accepted.isSame(properties)) {
            return; // e.g. Karaf's FileInstall re-reading the etc/ file it wrote: nothing to log or rebuild
        }
        try {
            apply(properties);
        } catch (InvalidConfigurationException e) {
            refused(e); // the previous configuration stays in force: nothing was applied
            return;
        }
        republish(properties);
    }

    // ---------------------------------------------------------------- the services

    /**
     * The component registers its services itself ({@code service = {}} in {@code @Component}), with
     * the properties of the configuration it accepted: SCR would republish every new configuration
     * as service properties, a refused {@code max.operations = lots} included. Registered last, once
     * the manager is configured and active, as SCR would for an immediate component.
     */
    private synchronized void register(BundleContext context, Map<String, Object> properties) {
        if (context == null) {
            return; // a unit test outside a framework
        }
        registration = context.registerService(new String[] { ResilienceManager.class.getName(),
                ConfigurationListener.class.getName() }, this, serviceProperties(properties));
    }

    /** After an accepted reconfiguration: its public keys become the service properties, as SCR would publish them. */
    private synchronized void republish(Map<String, Object> properties) {
        if (registration != null) {
            registration.setProperties(serviceProperties(properties));
        }
    }

    /** Unregistered first on deactivation, so that no call arrives at a manager that is stopping. */
    private synchronized void unregister() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it
            }
            registration = null;
        }
    }

    /**
     * @return what SCR would publish (component.name and id, service.pid, the configuration's public
     *         keys), but from the configuration last accepted; with none accepted (a refused first
     *         configuration: the defaults run), the component's own keys only
     */
    private Dictionary<String, Object> serviceProperties(Map<String, Object> properties) {
        Hashtable<String, Object> p = new Hashtable<>();
        boolean acceptedThese = accepted.isSame(properties);
        properties.forEach((key, value) -> {
            if (value != null && !key.startsWith(".") && !FRAMEWORK_KEYS.contains(key)
                    && (acceptedThese || OWN_KEYS.contains(key))) {
                p.put(key, value);
            }
        });
        return p;
    }

    private void apply(Map<String, Object> properties) {
        ConfigReader reader = new ConfigReader(ManagerConfig.PID, properties);
        ManagerConfig config = reader.typed(ManagerConfig.class);
        MissingStagePolicies policies = MissingStagePolicies.parse(ManagerConfig.PID, config.missing_stage_policy(),
                config.missing_stage_policy_overrides());
        int max = config.max_operations();
        if (max < 4 || max > 65536) {
            throw new InvalidConfigurationException(ManagerConfig.PID, ManagerConfig.KEY_MAX_OPERATIONS, max,
                    "must be between 4 and 65536");
        }
        HoldSettings hold = HoldSettings.parse(ManagerConfig.PID, config.missing_stage_hold_kinds(),
                config.missing_stage_hold_ms(), config.startup_grace_ms(), config.startup_stage_pids());
        manager.configure(policies, max, hold);
        accepted.accept(properties);
        reader.warnUnreadKeys(logger);
        logger.info("configuration {} applied: missing stages {}, {}, max.operations {}", ManagerConfig.PID, policies,
                hold, max);
    }

    // ---------------------------------------------------------------- the start-up gate

    /**
     * While the start-up grace runs, every stage configuration known to ConfigurationAdmin makes the
     * manager wait for its kind on its operation(s): a client that starts with the framework does not
     * run on a partial chain.
     */
    private void expectConfiguredStages() {
        ConfigurationAdmin cm = configurationAdmin;
        if (cm == null || !active || !manager.inStartupGrace()) {
            return;
        }
        Map<String, StageKind> pids = manager.holdSettings().stagePids();
        Map<String, Set<StageKind>> expected = new HashMap<>();
        try {
            Configuration[] all = cm.listConfigurations(null);
            for (Configuration c : all == null ? new Configuration[0] : all) {
                StageKind kind = c.getFactoryPid() == null ? null : pids.get(c.getFactoryPid());
                if (kind != null && c.getProperties() != null) {
                    expect(expected, c.getProperties().get(Stage.OPERATION), kind);
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            logger.warn("start-up gate: cannot list the stage configurations ({}); calls run on the chain as it "
                    + "forms", e.toString());
            return;
        }
        if (!expected.isEmpty()) {
            logger.info("start-up gate: calls wait up to {} ms for the stages their configuration names: {}",
                    TimeUnit.NANOSECONDS.toMillis(manager.holdSettings().graceNanos()), expected);
            manager.expectConfigured(expected);
        }
    }

    private static void expect(Map<String, Set<StageKind>> expected, Object operationProperty, StageKind kind) {
        Collection<String> operations = strings(operationProperty);
        if (operations.isEmpty()) {
            operations = Set.of(Stage.ANY_OPERATION);
        }
        for (String operation : operations) {
            for (String one : operation.split(",")) {
                if (!one.isBlank()) {
                    expected.computeIfAbsent(one.trim(), k -> EnumSet.noneOf(StageKind.class)).add(kind);
                }
            }
        }
    }

    /** A stage configuration created or changed during the start-up grace (FileInstall's first scan). */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getFactoryPid() != null && active
                && manager.inStartupGrace() && manager.holdSettings().stagePids().containsKey(event.getFactoryPid())) {
            expectConfiguredStages();
        }
    }

    private void refused(InvalidConfigurationException e) {
        ConfigRefusals.report(logger, eventAdmin, e);
    }

    // ---------------------------------------------------------------- ResilienceManager

    @Override
    public <T> T execute(String operation, Call<T> call) throws Exception {
        return manager.execute(operation, call);
    }

    @Override
    public <T> T execute(String operation, String peer, Call<T> call) throws Exception {
        return manager.execute(operation, peer, call);
    }

    @Override
    public ChainView chain(String operation) {
        return manager.chain(operation);
    }

    @Override
    public Set<String> operations() {
        return manager.operations();
    }

    @Override
    public OperationMetrics metrics(String operation) {
        return manager.metrics(operation);
    }

    // ---------------------------------------------------------------- stages

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStage(Stage stage, ServiceReference<Stage> ref) {
        registration(stage, ref).ifPresent(manager::addStage);
    }

    void updatedStage(Stage stage, ServiceReference<Stage> ref) {
        // Kind, operations or ranking may have changed: re-register under the same service id.
        Optional<StageRegistration> registration = registration(stage, ref);
        if (registration.isPresent()) {
            manager.addStage(registration.get());
        } else {
            manager.removeStage(serviceId(ref));
        }
    }

    void removeStage(Stage stage, ServiceReference<Stage> ref) {
        if (frameworkStopping()) {
            manager.frameworkStopping(); // before the removal: no call is held for a stage that will not return
        }
        manager.removeStage(serviceId(ref));
    }

    /**
     * @return whether the framework is shutting down ({@code stop 0}, SIGTERM): the system bundle is
     *         STOPPING while it stops every bundle
     */
    private static boolean frameworkStopping() {
        Bundle own = FrameworkUtil.getBundle(ResilienceManagerComponent.class);
        BundleContext context = own == null ? null : own.getBundleContext();
        try {
            Bundle system = context == null ? null : context.getBundle(0);
            return system != null && (system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
        } catch (IllegalStateException contextGone) {
            return true; // the manager's bundle itself is stopping with the framework
        }
    }

    private Optional<StageRegistration> registration(Stage stage, ServiceReference<Stage> ref) {
        Bundle bundle = ref.getBundle();
        String provider = bundle == null ? "?" : bundle.getSymbolicName();
        Object kindProperty = ref.getProperty(Stage.KIND);
        Optional<StageKind> kind = StageKind.fromId(String.valueOf(kindProperty));
        StagePosition position = null;
        if (kind.isEmpty()) {
            try {
                position = customSlot(kindProperty, ref.getProperty(Stage.POSITION));
            } catch (IllegalArgumentException e) {
                logger.warn("stage service {} of bundle {} ignored: {}", serviceId(ref), provider, e.getMessage());
                return Optional.empty();
            }
        }
        Set<String> operations = new LinkedHashSet<>();
        for (String operation : strings(ref.getProperty(Stage.OPERATION))) {
            if (operation.equals(Stage.ANY_OPERATION)) {
                operations.clear();
                break;
            }
            try {
                operations.add(Operations.validate(operation));
            } catch (IllegalArgumentException e) {
                logger.warn("stage service {} of bundle {}: {} ignored: {}", serviceId(ref), provider, Stage.OPERATION,
                        e.getMessage());
            }
        }
        return Optional.of(new StageRegistration(stage, kind.orElse(null), Set.copyOf(operations),
                ranking(ref, provider), serviceId(ref), provider,
                bundle == null ? "?" : bundle.getVersion().toString(), String.valueOf(kindProperty), position));
    }

    /**
     * The slot of a kind that is not built in: its id must be well formed and its position stated.
     *
     * @throws IllegalArgumentException naming the property, the value and what was expected
     */
    static StagePosition customSlot(Object kind, Object position) {
        if (kind == null) {
            throw new IllegalArgumentException("it has no " + Stage.KIND + " property: expected one of "
                    + Arrays.toString(StageKind.values()) + " or a kind of its own with a " + Stage.POSITION);
        }
        StagePosition.validateKindId(kind.toString());
        if (position == null || position.toString().isBlank()) {
            throw new IllegalArgumentException(Stage.KIND + "=" + kind + " is not one of " + Arrays.toString(StageKind.values())
                    + ", and a kind of its own needs " + Stage.POSITION + "=before:<kind> or after:<kind>");
        }
        try {
            return StagePosition.parse(position.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Stage.POSITION + " of kind " + kind + ": " + e.getMessage(), e);
        }
    }

    /**
     * The service ranking. A ranking set in a FileInstall {@code .cfg} file arrives as a String, which
     * the framework ignores; the manager honours it, since choosing between stages is its job.
     */
    private int ranking(ServiceReference<?> ref, String provider) {
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        if (ranking == null) {
            return 0;
        }
        if (ranking instanceof Number) {
            return ((Number) ranking).intValue();
        }
        try {
            return Integer.parseInt(ranking.toString().trim());
        } catch (NumberFormatException e) {
            logger.warn("stage service {} of bundle {}: {}={} is not a whole number; ranking 0 used", serviceId(ref),
                    provider, Constants.SERVICE_RANKING, ranking);
            return 0;
        }
    }

    // ---------------------------------------------------------------- observers and clock

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addObserver(CallObserver observer, ServiceReference<CallObserver> ref) {
        Set<String> operations = new LinkedHashSet<>(strings(ref.getProperty(CallObserver.OPERATION)));
        if (operations.contains(Stage.ANY_OPERATION)) {
            operations.clear();
        }
        manager.addObserver(serviceId(ref), observer, Set.copyOf(operations));
    }

    void updatedObserver(CallObserver observer, ServiceReference<CallObserver> ref) {
        addObserver(observer, ref);
    }

    void removeObserver(CallObserver observer, ServiceReference<CallObserver> ref) {
        manager.removeObserver(serviceId(ref));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setClock(TimeSource clock) {
        manager.setClock(clock);
    }

    void unsetClock(TimeSource clock) {
        manager.setClock(null);
    }

    // ---------------------------------------------------------------- reporting

    private void chainsChanged(Set<String> operations) {
        post(ResilienceEvents.CHAIN_CHANGED, Map.of(ResilienceEvents.OPERATION, operations.toArray(new String[0])));
    }

    private void observerFailed(CallObserver observer, String operation, Throwable failure) {
        // Throttled: a broken observer fails on every call.
        long now = System.nanoTime();
        long last = lastObserverFailureLog.get();
        if (now - last >= OBSERVER_LOG_INTERVAL_NANOS && lastObserverFailureLog.compareAndSet(last, now)) {
            logger.error("call observer {} failed on a '{}' call (the call was not affected; further failures "
                    + "are logged at most every 10 s)", observer.getClass().getName(), operation, failure);
        }
    }

    private void post(String topic, Map<String, ?> properties) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(topic, properties));
        }
    }

    @Override
    public void info(String message) {
        logger.info(message);
    }

    @Override
    public void warn(String message) {
        logger.warn(message);
    }

    @Override
    public void error(String message, Throwable cause) {
        logger.error(message, cause);
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    private static Collection<String> strings(Object property) {
        if (property == null) {
            return Set.of();
        }
        if (property instanceof String[]) {
            return Arrays.asList((String[]) property);
        }
        if (property instanceof Collection) {
            return ((Collection<?>) property).stream().map(String::valueOf).toList();
        }
        return Set.of(String.valueOf(property));
    }
}
