package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.degradation.DegradationManager;
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
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
// Registered by the kit with the accepted configuration's properties (SCR would republish a refused
// listen.port = lots), declared here so resolvers see it.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.dwcp.resilience.api.transport.DWCPTransport",
        uses = DWCPTransport.class)
@Component(configurationPid = DWCPTransport.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {},
        immediate = true)
@Designate(ocd = TransportConfig.class)
public final class TransportComponent extends ConfiguredComponent<TransportSettings> implements DWCPTransport {

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
    /** The inbound journal's file name in the bundle's data area. */
    static final String JOURNAL = "inbound.journal";
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

    // ---- life cycle: reading, refusing and no-op reconfigurations are the kit's (ConfiguredComponent)

    public TransportComponent() {
        super(DWCPTransport.PID, DWCPTransport.class);
    }

    /** Keeps the context for the services registered by hand (the manager, the Pingables), then the kit's activation. */
    @Override
    public synchronized void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        super.activate(context, properties);
    }

    @Override
    protected TransportSettings read(ConfigReader config) {
        return TransportSettings.from(config);
    }

    @Override
    protected String describe(TransportSettings s) {
        return "node " + s.nodeId() + " on " + s.listenHost() + ":" + s.listenPort() + ", peers " + s.peers().keySet() + ", "
                + s.streams() + " stream(s) each, " + s.tls();
    }

    @Override
    protected void start(TransportSettings settings) {
        inbound = openInbound(context, settings);
        engine = newEngine(settings);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("node.id", settings.nodeId());
        managerRegistration = context.registerService(DWCPManager.class,
                new DwcpManagerService(this, this::engine, inbound, acker, managers, () -> degradation, () -> health, () -> chaos, () -> metricsSources), props);
        syncPingables(settings);
    }

    /**
     * The inbound queue with its de-duplication windows journaled in the bundle's data area
     * ({@code inbound.journal}), so a restarted node neither delivers twice nor acknowledges what it
     * cannot vouch for. Without a data area (a framework without storage) the windows live in memory
     * only, and the guarantee holds only while the process lives: said in the log.
     */
    private InboundQueue openInbound(BundleContext context, TransportSettings settings) {
        java.io.File file = context.getDataFile(JOURNAL);
        if (file == null) {
            logger.warn("node " + settings.nodeId() + ": the framework gives this bundle no data area, so the de-duplication "
                    + "window is not journaled: after a crash a resend may be delivered twice");
            return new InboundQueue(settings.inboundQueueCapacity(), settings.dedupWindow());
        }
        try {
            InboundQueue.Opened opened = InboundQueue.open(settings.inboundQueueCapacity(), settings.dedupWindow(), file.toPath());
            InboundJournal.Loaded l = opened.loaded();
            if (!l.windows().isEmpty()) {
                logger.info("node " + settings.nodeId() + ": inbound journal " + file + " replayed: " + l.windows().size()
                        + " sender(s), " + l.confirmed() + " confirmed id(s) (resends acknowledged, not delivered again), "
                        + l.inDoubt() + " in doubt (handed over before a restart and not confirmed: resends refused)"
                        + (l.badLines() > 0 ? ", " + l.badLines() + " unreadable line(s) skipped" : ""));
            }
            return opened.queue();
        } catch (java.io.IOException | RuntimeException e) {
            // Refusing to start would take the node off the network for a file problem; say what is at stake instead.
            logger.error("node " + settings.nodeId() + ": cannot open the inbound journal " + file + " (" + e
                    + "); de-duplication is in memory only: after a crash a resend may be delivered twice");
            return new InboundQueue(settings.inboundQueueCapacity(), settings.dedupWindow());
        }
    }

    private NettyTransport newEngine(TransportSettings settings) {
        NettyTransport e;
        try {
            e = newEngineUnstarted(settings);
        } catch (Exception ex) {
            throw new IllegalStateException("node " + settings.nodeId() + ": the transport cannot be set up: " + ex, ex);
        }
        e.start();
        return e;
    }

    private NettyTransport newEngineUnstarted(TransportSettings settings) throws Exception {
        return new NettyTransport(settings, inbound, counters, compression, ids, this::isPartitioned,
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
    }

    /** Settings the kit accepted and that differ from those in force (a bad value never gets here). */
    @Override
    protected void apply(TransportSettings previous, TransportSettings next) {
        NettyTransport current = engine;
        if (next.sameEndpoint(previous)) {
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

    @Override
    protected void stop() {
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
        if (inbound != null) {
            if (inbound.size() > 0 && e != null) {
                logger.warn("node " + e.nodeId() + " stopped with " + inbound.size() + " received message(s) nobody took from its queue"
                        + " (never acknowledged: their senders resend them)");
            }
            inbound.close();
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

    /** Confirms what the calling thread took last (its ACK goes out), then takes the next message (see {@link InboundQueue}). */
    @Override
    public Optional<InboundMessage> receive(long deadlineNanos) throws InterruptedException {
        return inbound.receive(deadlineNanos, acker);
    }

    /** The application is done with a message it took: its ACK goes out now, whichever thread says so. */
    @Override
    public boolean acknowledge(InboundMessage message) {
        return inbound.acknowledgeForApplication(message, acker);
    }

    private void ack(String sender, long id, Object handle) {
        engine.ack(sender, id, handle);
    }

    /** {@link #ack} as the inbound queue takes it, made once rather than per receive. */
    private final InboundQueue.Acknowledger acker = this::ack;

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
