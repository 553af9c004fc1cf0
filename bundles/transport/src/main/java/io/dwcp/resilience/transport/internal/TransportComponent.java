package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.Pingable;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.SyncHandler;
import io.dwcp.resilience.api.transport.TransportException;
import io.dwcp.resilience.api.transport.TransportMetrics;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One DWCP node: the transport ({@link DWCPTransport}, this component's service) and the DWCP manager
 * ({@link DWCPManager}, registered beside it with the same {@code node.id} property), plus one
 * {@link Pingable} per peer for the ping health checks.
 *
 * <p>Configured by PID {@code dwcp.transport}, or by factory configurations of that PID for several
 * nodes in one framework (tests). Every reference except the logger is dynamic and optional: the
 * resilience manager, stages, health, chaos and SLO bundles may come, go and be updated while
 * connections stay open and queued messages stay queued.
 */
// Registered by hand beside the component (one per node), declared here so resolvers see them.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.dwcp.resilience.api.transport.DWCPManager",
        uses = DWCPManager.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.dwcp.resilience.api.health.Pingable",
        uses = Pingable.class)
@Component(configurationPid = DWCPTransport.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = DWCPTransport.class,
        immediate = true)
@Designate(ocd = TransportConfig.class)
public final class TransportComponent implements DWCPTransport {

    @Reference(service = LoggerFactory.class)
    Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile DegradationManager degradation;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile HealthMonitor health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ChaosControl chaos;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    final List<MetricsSource> metricsSources = new CopyOnWriteArrayList<>();

    private final ManagerHolder managers = new ManagerHolder();
    private volatile PartitionPolicy[] partitionPolicies = new PartitionPolicy[0];
    private final ConcurrentSkipListMap<ServiceReference<SyncHandler>, SyncHandler> syncHandlers =
            new ConcurrentSkipListMap<>(java.util.Collections.reverseOrder());

    private final TransportCounters counters = new TransportCounters();
    private final PayloadCompression compression = new PayloadCompression();
    // Unique per sending node across restarts: microseconds of the wall clock at start, then +1 per id.
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private InboundQueue inbound;
    private volatile NettyTransport engine;
    private BundleContext context;
    private ServiceRegistration<DWCPManager> managerRegistration;
    private final Map<String, ServiceRegistration<Pingable>> pingables = new HashMap<>();

    // ---- dynamic references with their own bookkeeping

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindResilienceManager(ResilienceManager manager) {
        managers.bind(manager);
    }

    void unbindResilienceManager(ResilienceManager manager) {
        managers.unbind(manager);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindPartitionPolicy(PartitionPolicy policy) {
        PartitionPolicy[] now = partitionPolicies;
        PartitionPolicy[] next = java.util.Arrays.copyOf(now, now.length + 1);
        next[now.length] = policy;
        partitionPolicies = next;
    }

    synchronized void unbindPartitionPolicy(PartitionPolicy policy) {
        partitionPolicies = java.util.Arrays.stream(partitionPolicies).filter(p -> p != policy).toArray(PartitionPolicy[]::new);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindSyncHandler(ServiceReference<SyncHandler> ref, SyncHandler handler) {
        syncHandlers.put(ref, handler);
    }

    void unbindSyncHandler(ServiceReference<SyncHandler> ref, SyncHandler handler) {
        syncHandlers.remove(ref);
    }

    /** Called per connection and per frame: a read of a volatile array, no allocation. */
    boolean isPartitioned(String peer) {
        for (PartitionPolicy p : partitionPolicies) {
            try {
                if (p.isPartitioned(peer)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // a broken policy must not break the transport; it counts as "no partition"
            }
        }
        return false;
    }

    private SyncHandler bestSyncHandler() {
        Map.Entry<ServiceReference<SyncHandler>, SyncHandler> e = syncHandlers.firstEntry();
        return e == null ? null : e.getValue();
    }

    // ---- life cycle

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws Exception {
        this.context = context;
        TransportSettings settings;
        try {
            settings = TransportSettings.from(properties);
        } catch (InvalidConfigurationException e) {
            logger.error(e.getMessage());
            throw e;
        }
        inbound = new InboundQueue(settings.inboundQueueCapacity(), settings.dedupWindow());
        engine = newEngine(settings);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("node.id", settings.nodeId());
        managerRegistration = context.registerService(DWCPManager.class,
                new DwcpManagerService(this, this::engine, managers, () -> degradation, () -> health, () -> chaos, () -> metricsSources), props);
        syncPingables(settings);
    }

    private NettyTransport newEngine(TransportSettings settings) throws Exception {
        NettyTransport e = new NettyTransport(settings, inbound, counters, compression, ids, this::isPartitioned,
                this::bestSyncHandler, new TransportLog() {
                    @Override
                    public void info(String message) {
                        logger.info(message);
                    }

                    @Override
                    public void warn(String message) {
                        logger.warn(message);
                    }

                    @Override
                    public void error(String message) {
                        logger.error(message);
                    }
                });
        e.start();
        return e;
    }

    @Modified
    void modified(Map<String, Object> properties) throws Exception {
        TransportSettings next;
        try {
            next = TransportSettings.from(properties);
        } catch (InvalidConfigurationException e) {
            logger.error(e.getMessage());
            EventAdmin events = eventAdmin;
            if (events != null) {
                events.postEvent(new Event(ResilienceEvents.CONFIGURATION_REFUSED, Map.of(ResilienceEvents.PID, e.pid(),
                        ResilienceEvents.KEY, e.key(), ResilienceEvents.REASON, e.getMessage())));
            }
            return;
        }
        NettyTransport current = engine;
        if (next.sameEndpoint(current.settings())) {
            current.update(next);
        } else {
            // A new identity, address or TLS set-up needs new sockets; the inbound queue stays.
            logger.info("node " + current.nodeId() + ": listener, node id or TLS changed; reopening every connection");
            current.close();
            inbound.resize(next.inboundQueueCapacity(), next.dedupWindow());
            engine = newEngine(next);
            if (!next.nodeId().equals(current.nodeId())) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put("node.id", next.nodeId());
                managerRegistration.setProperties(props);
            }
        }
        syncPingables(next);
    }

    @Deactivate
    void deactivate() {
        synchronized (pingables) {
            pingables.values().forEach(ServiceRegistration::unregister);
            pingables.clear();
        }
        if (managerRegistration != null) {
            managerRegistration.unregister();
            managerRegistration = null;
        }
        managers.close();
        NettyTransport e = engine;
        if (e != null) {
            e.close();
        }
        if (inbound != null && inbound.size() > 0) {
            logger.warn("node " + e.nodeId() + " stopped with " + inbound.size() + " received message(s) nobody took from its queue");
        }
    }

    /** One Pingable per configured peer, registered and unregistered as the peer list changes. */
    private void syncPingables(TransportSettings settings) {
        synchronized (pingables) {
            pingables.entrySet().removeIf(e -> {
                if (!settings.peers().containsKey(e.getKey())) {
                    e.getValue().unregister();
                    return true;
                }
                return false;
            });
            for (String peer : settings.peers().keySet()) {
                if (!pingables.containsKey(peer)) {
                    Dictionary<String, Object> props = new Hashtable<>();
                    props.put(Pingable.TARGET, peer);
                    props.put("node.id", settings.nodeId());
                    pingables.put(peer, context.registerService(Pingable.class, new PeerPingable(peer, () -> engine), props));
                }
            }
        }
    }

    // ---- DWCPTransport, delegated to the engine in force

    NettyTransport engine() {
        return engine;
    }

    @Override
    public String nodeId() {
        return engine.nodeId();
    }

    @Override
    public int localPort() {
        return engine.localPort();
    }

    @Override
    public long nextMessageId() {
        return ids.incrementAndGet();
    }

    @Override
    public void send(String peer, long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException {
        engine.send(peer, messageId, payload, deadlineNanos);
    }

    @Override
    public Optional<InboundMessage> receive(long deadlineNanos) throws InterruptedException {
        return inbound.poll(deadlineNanos);
    }

    @Override
    public byte[] sync(String peer, byte[] request, long deadlineNanos) throws TransportException, InterruptedException {
        return engine.sync(peer, request, deadlineNanos);
    }

    @Override
    public ConsensusResult consensus(long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException {
        return engine.consensus(messageId, payload, deadlineNanos);
    }

    @Override
    public List<PeerStatus> peers() {
        return engine.peers();
    }

    @Override
    public TransportMetrics metrics() {
        return engine.metrics();
    }

    /** @return whether the listener is up (false when its port could not be bound) */
    boolean listening() {
        return engine.localPort() >= 0;
    }
}
