package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.Stage;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The base of a configured DS component: the one place that reads, validates, refuses and applies
 * a configuration. A subclass says how to {@linkplain #read read} its settings (validating, with a
 * {@link ConfigReader}) and how to {@linkplain #start start}, {@linkplain #apply reconfigure} and
 * {@linkplain #stop stop}; the base does the rest, the same way in every bundle:
 * <ul>
 *   <li>a refused configuration is logged at ERROR and posted once on
 *       {@code dwcp/resilience/config/REFUSED} ({@link ConfigRefusals}); on {@code modified} the
 *       previous settings stay in force; a refused first configuration fails activation, unless
 *       {@link #fallback()} names documented defaults to run with instead;</li>
 *   <li>a reconfiguration with the same values, or values that read to equal settings, is a
 *       no-op: nothing logged, posted or reset;</li>
 *   <li>a key that {@link #read} did not read is logged at WARN, naming the file, PID and key
 *       ({@link ConfigReader#warnUnreadKeys}): a misspelt key never passes in silence. A key read
 *       only later, outside {@code read}, is declared with {@link ConfigReader#uses};</li>
 *   <li>a stage component ({@link #stageKind()} not {@code null}) declares no service in its
 *       {@code @Component} ({@code service = {}}): the base registers it with the properties of
 *       the configuration it <em>accepted</em>, so a refused {@code dwcp.operation} or
 *       {@code service.ranking} never moves the stage (SCR would republish refused values).
 *       A component that is not a stage but is selected by its configuration's properties too (a
 *       {@code CallObserver} filtered on {@code dwcp.operation}) names its services in
 *       {@link #ConfiguredComponent(String, Class...)} and is registered the same way.</li>
 * </ul>
 * The DS annotations of this class are inherited ({@code -dsannotations-options: inherit}).
 *
 * @param <S> the immutable, validated settings (a record, so that equal values compare equal)
 */
public abstract class ConfiguredComponent<S> {

    /** Set by DS; tests may set it. */
    @Reference(service = LoggerFactory.class)
    protected Logger logger;

    /** Set by DS when EventAdmin exists; tests may set it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    protected volatile EventAdmin eventAdmin;

    /** Service properties only the framework sets. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of(Constants.OBJECTCLASS, Constants.SERVICE_ID,
            Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE);

    private final String factoryPid;
    private final String stageKind;
    private final Class<?>[] services;
    private final AcceptedConfiguration accepted = new AcceptedConfiguration();
    private volatile S settings;
    private volatile String pid;
    private BundleContext context;
    private ServiceRegistration<?> registration;

    /** @param factoryPid the (factory) PID, named in refusals when the properties carry none */
    protected ConfiguredComponent(String factoryPid) {
        this.factoryPid = factoryPid;
        this.pid = factoryPid;
        this.stageKind = null;
        this.services = new Class<?>[0];
    }

    /**
     * A component that is not a stage, which the base registers under {@code services} with the
     * properties of the configuration it accepted ({@code dwcp.operation} among them when the
     * settings are {@link Scoped}), as for a stage; its {@code @Component} declares
     * {@code service = {}}.
     *
     * @param factoryPid the (factory) PID, named in refusals when the properties carry none
     * @param services   the service interfaces, at least one
     * @since 1.2
     */
    protected ConfiguredComponent(String factoryPid, Class<?>... services) {
        if (services.length == 0) {
            throw new IllegalArgumentException("name the services to register");
        }
        this.factoryPid = factoryPid;
        this.pid = factoryPid;
        this.stageKind = null;
        this.services = services.clone();
    }

    /**
     * A stage component: the base registers it under {@code services} ({@link Stage} when none
     * are named) with {@code dwcp.stage = stageKind} and the accepted {@code dwcp.operation}.
     *
     * @param factoryPid the (factory) PID, named in refusals when the properties carry none
     * @param stageKind  the stage kind, e.g. {@code circuit-breaker}
     * @param services   the service interfaces, {@link Stage} first
     */
    protected ConfiguredComponent(String factoryPid, String stageKind, Class<?>... services) {
        this.factoryPid = factoryPid;
        this.pid = factoryPid;
        this.stageKind = stageKind;
        this.services = services.length == 0 ? new Class<?>[] { Stage.class } : services.clone();
    }

    /**
     * Reads and validates a whole configuration.
     *
     * @throws InvalidConfigurationException for the first bad value
     */
    protected abstract S read(ConfigReader config);

    /** Starts with the first accepted settings. */
    protected abstract void start(S settings);

    /** Applies accepted settings that differ from {@code previous}. */
    protected abstract void apply(S previous, S next);

    /** Stops; the default does nothing. */
    protected void stop() {
    }

    /** @return the settings to start with when the first configuration is refused, or {@code null} to fail */
    protected S fallback() {
        return null;
    }

    /** @return the stage kind when this component is a stage the base registers, else {@code null} */
    protected String stageKind() {
        return stageKind;
    }

    /**
     * @return for a stage of a kind of its own (not one of {@link io.dwcp.resilience.api.StageKind}):
     *         its slot, the {@value Stage#POSITION} property, e.g. {@code after:chaos}; {@code null}
     *         (the default) for a built-in kind
     * @since 1.1
     */
    protected String stagePosition() {
        return null;
    }

    /**
     * @return the operation a stage's settings protect (its {@code dwcp.operation} property): their
     *         {@link Scoped#operation()}, or the {@code dwcp.operation} of a {@link ConfigReader#typed} view, else {@code *}
     */
    protected String operationOf(S settings) {
        String typed = ConfigReader.operationOf(settings);
        return settings instanceof Scoped scoped ? scoped.operation() : typed != null ? typed : Stage.ANY_OPERATION;
    }

    /** @return the service interfaces a stage registers, {@link Stage} first */
    protected Class<?>[] stageServices() {
        return services.clone();
    }

    /** Settings that name the operation they protect: a stage's {@code dwcp.operation}. */
    public interface Scoped {
        /** @return an operation name, or {@code *} */
        String operation();
    }

    /**
     * @return the keys of properties the {@code @Component} itself declares (DS merges them with the
     *         configuration), so that they are not warned about as unknown configuration keys
     * @since 1.2
     */
    protected String[] componentPropertyKeys() {
        return new String[0];
    }

    /** @return a short description of the settings for the log lines; {@code toString} by default */
    protected String describe(S settings) {
        return String.valueOf(settings);
    }

    /** Sets what DS would inject, for unit tests outside a framework. */
    public final void setServices(Logger logger, EventAdmin eventAdmin) {
        this.logger = logger;
        this.eventAdmin = eventAdmin;
    }

    /** @return the settings in force */
    public final S settings() {
        return settings;
    }

    /** @return the PID of the configuration in force */
    public final String pid() {
        return pid;
    }

    /**
     * @param context the bundle context, or {@code null} outside a framework (unit tests: no service
     *                is registered)
     */
    @Activate
    public synchronized void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        pid = ConfigReader.pidOf(properties, factoryPid);
        S first;
        Map<String, Object> published = properties;
        try {
            ConfigReader reader = new ConfigReader(pid, properties);
            first = readChecked(reader);
            accepted.accept(properties);
            reader.warnUnreadKeys(logger);
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
            first = fallback();
            if (first == null) {
                throw e;
            }
            logger.warn("{} starts with its documented defaults: {}", pid, describe(first));
            published = ownProperties(properties); // no refused value reaches the service properties
        }
        settings = first;
        start(first);
        register(first, published);
        logger.info("{} active: {}", pid, describe(first));
    }

    @Modified
    public synchronized void modified(Map<String, Object> properties) {
        if (accepted.isSame(properties)) {
            return;
        }
        S next;
        ConfigReader reader = new ConfigReader(ConfigReader.pidOf(properties, factoryPid), properties);
        try {
            next = readChecked(reader);
        } catch (InvalidConfigurationException e) {
            ConfigRefusals.report(logger, eventAdmin, e);
            return;
        }
        accepted.accept(properties);
        reader.warnUnreadKeys(logger);
        pid = ConfigReader.pidOf(properties, factoryPid);
        S previous = settings;
        boolean changed = !next.equals(previous);
        if (changed) {
            settings = next;
            apply(previous, next);
        }
        if (registration != null) {
            // also when only service properties (service.ranking) changed
            registration.setProperties(serviceProperties(next, properties));
        }
        if (changed) {
            logger.info("{} reconfigured: {}", pid, describe(next));
        }
    }

    @Deactivate
    public synchronized void deactivate() {
        if (registration != null) {
            // Leave the chain first, so that no call enters a stage that is stopping.
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it
            }
            registration = null;
        }
        accepted.clear();
        stop();
        context = null;
    }

    /** @return whether the base registers this component's services */
    private boolean registers() {
        return stageKind() != null || services.length > 0;
    }

    /** {@link #read}, and for a registered component its {@code service.ranking}, refused like any other value. */
    private S readChecked(ConfigReader config) {
        if (registers()) {
            config.serviceRanking();
        }
        config.uses(componentPropertyKeys());
        return read(config);
    }

    /**
     * @return what SCR, ConfigAdmin and the component description add (component.name and id,
     *         service.pid, the component's own properties), without the configuration's values
     *         ({@code service.ranking} included): what a component running on its {@link #fallback()} publishes
     */
    private Map<String, Object> ownProperties(Map<String, Object> properties) {
        Set<String> own = Set.of(componentPropertyKeys());
        Map<String, Object> p = new java.util.HashMap<>();
        properties.forEach((key, value) -> {
            if ((own.contains(key) || !ConfigReader.isSetting(key)) && !key.equals(Constants.SERVICE_RANKING)) {
                p.put(key, value);
            }
        });
        return p;
    }

    private void register(S first, Map<String, Object> properties) {
        if (context == null || !registers()) {
            return;
        }
        Class<?>[] types = stageServices();
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = types[i].getName();
        }
        registration = context.registerService(names, this, serviceProperties(first, properties));
    }

    private Dictionary<String, Object> serviceProperties(S accepted, Map<String, Object> properties) {
        // As SCR would publish them (component.name and id, the configuration's public keys), but
        // only those of a configuration this component accepted.
        Hashtable<String, Object> p = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (value != null && !key.startsWith(".") && !FRAMEWORK_KEYS.contains(key)) {
                p.put(key, value);
            }
        });
        if (stageKind() != null) {
            p.put(Stage.KIND, stageKind());
            String position = stagePosition();
            if (position != null) {
                p.put(Stage.POSITION, position);
            }
            p.put(Stage.OPERATION, operationOf(accepted));
        } else if (accepted instanceof Scoped || ConfigReader.operationOf(accepted) != null) {
            p.put(Stage.OPERATION, operationOf(accepted));
        }
        p.put("dwcp.pid", pid);
        if (properties.get(Constants.SERVICE_RANKING) != null) {
            // checked by readChecked: a whole number
            p.put(Constants.SERVICE_RANKING, new ConfigReader(pid, properties).serviceRanking());
        }
        return p;
    }
}
