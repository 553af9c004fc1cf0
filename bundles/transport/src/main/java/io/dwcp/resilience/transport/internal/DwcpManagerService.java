package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthStatus;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPMetrics;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.ResilienceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@link DWCPManager} of one node: each operation runs through
 * {@link ResilienceManager#execute(String, String, io.dwcp.resilience.api.Call)} under its own name,
 * and each attempt calls the transport with the earlier of the caller's deadline and the chain's.
 * The message id is taken once per call, outside the chain, so every retry carries it.
 */
final class DwcpManagerService implements DWCPManager {

    static final String SEND = "send";
    static final String RECEIVE = "receive";
    static final String SYNC = "sync";
    static final String CONSENSUS = "consensus";

    private final DWCPTransport transport;
    private final InboundQueue inbound;
    private final InboundQueue.Acknowledger acks;
    private final ManagerHolder managers;
    private final Supplier<DegradationManager> degradation;
    private final Supplier<HealthMonitor> health;
    private final Supplier<ChaosControl> chaos;
    private final Supplier<? extends Collection<MetricsSource>> metricsSources;
    private final Supplier<NettyTransport> engine;

    /**
     * @param transport the transport the operations go to
     * @param engine    the network engine in force (for the figures only it has: mode, tiers)
     * @param inbound   the node's inbound queue, for the hand-over steps of {@link #receive}
     * @param acks      sends the ACK of a message the application is done with
     * @param managers  the dynamic reference to the resilience manager
     */
    DwcpManagerService(DWCPTransport transport, Supplier<NettyTransport> engine, InboundQueue inbound, InboundQueue.Acknowledger acks,
            ManagerHolder managers, Supplier<DegradationManager> degradation, Supplier<HealthMonitor> health,
            Supplier<ChaosControl> chaos, Supplier<? extends Collection<MetricsSource>> metricsSources) {
        this.transport = transport;
        this.engine = engine;
        this.inbound = inbound;
        this.acks = acks;
        this.managers = managers;
        this.degradation = degradation;
        this.health = health;
        this.chaos = chaos;
        this.metricsSources = metricsSources;
    }

    /** Longer than this is "no timeout" (and would overflow a deadline in nanoseconds). */
    private static final Duration FOREVER = Duration.ofDays(365);

    private static long deadline(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, not " + timeout);
        }
        long now = System.nanoTime();
        long nanos = timeout.compareTo(FOREVER) > 0 ? Long.MAX_VALUE / 2 : timeout.toNanos();
        return now + nanos;
    }

    /** The attempt's deadline: the caller's, or the chain's (a timeout stage) when that is earlier. */
    private static long attemptDeadline(Invocation inv, long callDeadline) {
        long chain = inv.deadlineNanos();
        return chain != Invocation.NO_DEADLINE && chain - callDeadline < 0 ? chain : callDeadline;
    }

    @Override
    public String nodeId() {
        return transport.nodeId();
    }

    @Override
    public long send(String peer, byte[] payload, Duration timeout) throws Exception {
        long deadline = deadline(timeout);
        ResilienceManager rm = managers.await(SEND, deadline);
        Send call = new Send(transport.nextMessageId(), payload, deadline);
        Object result = rm.execute(SEND, peer, call);
        // the call answers itself, so no Long is boxed per send; any other answer came from a stage
        // (a static fallback), returned as before: a Long, or the ClassCastException fallback.md names
        return result == call ? call.id : (Long) result;
    }

    /**
     * One send's attempts: the message id is taken once per call, outside the chain, so every retry
     * carries it. One object per send (it was a lambda and a boxed id).
     */
    private final class Send implements Call<Object> {
        final long id;
        private final byte[] payload;
        private final long deadline;

        Send(long id, byte[] payload, long deadline) {
            this.id = id;
            this.payload = payload;
            this.deadline = deadline;
        }

        @Override
        public Object call(Invocation inv) throws Exception {
            // inv.peer(), not the caller's peer: a fallback stage may send the call to another peer (Invocation.detachTo)
            transport.send(inv.peer(), id, payload, attemptDeadline(inv, deadline));
            return this;
        }
    }

    /**
     * Acknowledges what the calling thread took last (it came back, so it is done with it), then takes
     * the next message through the chain. A message the chain took but did not hand over (a stage
     * failed after the transport returned it) goes back to the head of the queue, unacknowledged.
     */
    @Override
    public Optional<InboundMessage> receive(Duration timeout) throws Exception {
        long deadline = deadline(timeout);
        inbound.confirmHeld(acks);
        ResilienceManager rm = managers.await(RECEIVE, deadline);
        Handover handover = new Handover(deadline);
        Optional<InboundMessage> result;
        try {
            result = rm.execute(RECEIVE, Invocation.NO_PEER, handover);
        } catch (Exception | Error e) {
            handover.abandon();
            throw e;
        }
        return handover.deliver(result);
    }

    /** Not through the chain: local bookkeeping and one ACK frame, nothing a stage could protect. */
    @Override
    public boolean acknowledge(InboundMessage message) {
        return inbound.acknowledgeForApplication(message, acks);
    }

    /** One receive call's message between the transport and the caller, and the chain's call (one object per receive). */
    private final class Handover implements Call<Optional<InboundMessage>> {
        private final long deadline;
        private InboundMessage taken;
        private boolean closed;

        Handover(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public Optional<InboundMessage> call(Invocation inv) throws InterruptedException {
            return take(attemptDeadline(inv, deadline));
        }

        /** An attempt of the chain: a retried attempt gets the message the first one took. */
        Optional<InboundMessage> take(long deadlineNanos) throws InterruptedException {
            synchronized (this) {
                if (taken != null) {
                    return Optional.of(taken);
                }
            }
            Optional<InboundMessage> m = inbound.take(deadlineNanos);
            if (m.isPresent()) {
                synchronized (this) {
                    if (closed || taken != null) {
                        // the caller gave up meanwhile (a forced timeout), or another attempt won: not handed over
                        inbound.putBack(m.get());
                        return taken == null ? Optional.empty() : Optional.of(taken);
                    }
                    taken = m.get();
                }
            }
            return m;
        }

        /** The chain returned: the caller holds the message from now on (acknowledged when it comes back). */
        synchronized Optional<InboundMessage> deliver(Optional<InboundMessage> result) {
            closed = true;
            if (taken != null) {
                if (result.isPresent() && result.get() == taken) {
                    inbound.hold(taken);
                } else {
                    inbound.putBack(taken);
                }
            }
            return result;
        }

        /** The chain failed: whatever it took goes back. */
        synchronized void abandon() {
            closed = true;
            if (taken != null) {
                inbound.putBack(taken);
            }
        }
    }

    @Override
    public byte[] sync(String peer, byte[] request, Duration timeout) throws Exception {
        long deadline = deadline(timeout);
        ResilienceManager rm = managers.await(SYNC, deadline);
        return rm.execute(SYNC, peer, inv -> transport.sync(inv.peer(), request, attemptDeadline(inv, deadline)));
    }

    @Override
    public ConsensusResult consensus(byte[] payload, Duration timeout) throws Exception {
        long deadline = deadline(timeout);
        ResilienceManager rm = managers.await(CONSENSUS, deadline);
        long id = transport.nextMessageId();
        return rm.execute(CONSENSUS, Invocation.NO_PEER, inv -> transport.consensus(id, payload, attemptDeadline(inv, deadline)));
    }

    @Override
    public boolean isHealthy() {
        HealthMonitor h = health.get();
        boolean healthy = h == null || h.status() != HealthStatus.UNHEALTHY;
        return healthy && degradationLevel() != DegradationLevel.EMERGENCY;
    }

    @Override
    public DegradationLevel degradationLevel() {
        DegradationManager d = degradation.get();
        return d == null ? DegradationLevel.NORMAL : d.level();
    }

    private List<MetricsSnapshot> snapshots() {
        List<MetricsSnapshot> out = new ArrayList<>();
        for (MetricsSource s : metricsSources.get()) {
            try {
                out.addAll(s.metrics());
            } catch (RuntimeException e) {
                // a source that fails is left out of this snapshot, not the whole snapshot
            }
        }
        return out;
    }

    private static BudgetStatus errorBudget(MetricsSnapshot s) {
        return new BudgetStatus(s.operation(), BudgetKind.ERROR, s.value("objective"), (long) s.value("total"),
                (long) s.value("failed"), (long) s.value("allowedFailures"), s.value("remainingBudget"), s.value("exhausted") == 1,
                s.timestampMillis());
    }

    private static List<BudgetStatus> budgets(List<MetricsSnapshot> snapshots) {
        List<BudgetStatus> out = new ArrayList<>();
        for (MetricsSnapshot s : snapshots) {
            if (s.source().equals("slo") && s.values().containsKey("total")) {
                out.add(errorBudget(s));
            }
        }
        return out;
    }

    @Override
    public Optional<BudgetStatus> checkErrorBudget(String operation) {
        for (BudgetStatus b : budgets(snapshots())) {
            if (b.operation().equals(operation)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    @Override
    public ResilienceMetrics resilienceMetrics() {
        Map<String, OperationMetrics> operations = new TreeMap<>();
        ResilienceManager rm = managers.current();
        if (rm != null) {
            for (String op : rm.operations()) {
                operations.put(op, rm.metrics(op));
            }
        }
        List<MetricsSnapshot> snapshots = snapshots();
        HealthMonitor h = health.get();
        DegradationManager d = degradation.get();
        ChaosControl c = chaos.get();
        return new ResilienceMetrics(operations, snapshots, h == null ? HealthStatus.UNKNOWN : h.status(),
                h == null ? List.of() : h.reports(), d == null ? DegradationLevel.NORMAL : d.level(),
                d == null ? List.of() : d.components(), budgets(snapshots), c == null ? null : c.status(),
                System.currentTimeMillis());
    }

    @Override
    public DWCPMetrics metrics() {
        NettyTransport e = engine.get();
        return new DWCPMetrics(e.nodeId(), DWCPTransport.PROTOCOL_VERSION, e.localPort() >= 0, isHealthy(), degradationLevel(),
                e.mode(), e.tiers(), e.metrics(), System.currentTimeMillis());
    }

    @Override
    public List<PeerStatus> peers() {
        return transport.peers();
    }

    @Override
    public ChaosStatus enableChaos(Duration duration) {
        ChaosControl c = chaos.get();
        if (c == null) {
            throw new IllegalStateException("no chaos engine is installed (install the dwcp-chaos feature or the chaos bundle)");
        }
        return c.arm(ArmRequest.of(duration).withReason("DWCPManager.enableChaos"));
    }

    @Override
    public Optional<ChaosStatus> disableChaos() {
        ChaosControl c = chaos.get();
        return c == null ? Optional.empty() : Optional.of(c.disarm("DWCPManager.disableChaos"));
    }
}
