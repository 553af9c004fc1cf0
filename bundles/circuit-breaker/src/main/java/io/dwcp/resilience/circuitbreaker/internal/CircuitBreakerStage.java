package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerControl;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerListener;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredComponent;
import io.dwcp.resilience.kit.Isolated;
import io.dwcp.resilience.kit.StateCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * The circuit-breaker stage: one DS component per {@code dwcp.circuitbreaker~<name>} factory
 * configuration, serving the operation named by its {@code dwcp.operation} (or, with {@code *},
 * every operation, with one breaker each); with {@code scope = peer}, one breaker per operation and
 * peer ({@link Isolated}), so that one dead peer opens only its own breaker.
 *
 * <p>Only this class knows OSGi. On the call path it only admits and records through
 * {@link BreakerStateMachine}. Transitions are handed to one serial dispatcher thread (started on
 * demand, gone when idle) that saves the new state to the {@link StateStore}, posts the EventAdmin
 * event and tells the {@link CircuitBreakerListener}s, in the order the transitions happened, so no
 * file write or listener ever runs on a caller's thread.
 */
@Component(configurationPid = CircuitBreakerSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = CircuitBreakerConfig.class, factory = true)
public final class CircuitBreakerStage extends ConfiguredComponent<CircuitBreakerSettings>
        implements Stage, MetricsSource, CircuitBreakerControl {

    /** The stage kind, and the first part of every state key. */
    static final String KIND = "circuit-breaker";
    private static final long DRAIN_TIMEOUT_SECONDS = 10;

    /** Mandatory: a breaker whose state could not survive a swap would break the layer's promise. */
    @Reference
    StateStore store;

    /** The layer's clock when one is registered (the manager uses the same), else the JVM's. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile TimeSource timeSource;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Map.Entry<Map<String, ?>, CircuitBreakerListener>> listeners = List.of();

    private final TimeSource clock = new TimeSource() {
        @Override
        public long nanoTime() {
            TimeSource t = timeSource;
            return t != null ? t.nanoTime() : System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            TimeSource t = timeSource;
            return t != null ? t.currentTimeMillis() : System.currentTimeMillis();
        }
    };

    /** One breaker per operation (or operation and peer), restored from the store when it first shows up. */
    private volatile Isolated<BreakerStateMachine> machines;
    private ThreadPoolExecutor dispatcher;

    public CircuitBreakerStage() {
        super(CircuitBreakerSettings.PID, KIND, Stage.class, MetricsSource.class, CircuitBreakerControl.class);
    }

    @Override
    protected CircuitBreakerSettings read(ConfigReader config) {
        return CircuitBreakerSettings.from(config);
    }

    @Override
    protected void start(CircuitBreakerSettings s) {
        String name = "dwcp-circuit-breaker-events " + pid();
        dispatcher = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        machines = isolated(s);
    }

    @Override
    protected void apply(CircuitBreakerSettings previous, CircuitBreakerSettings next) {
        if (!next.operation().equals(previous.operation()) || !next.isolation().equals(previous.isolation())) {
            // A breaker is its operation's (or peer's): another operation or scope means other
            // breakers, from the store (their keys differ: kind/operation or kind/operation/peer/p).
            drain();
            machines = isolated(next);
        } else {
            for (BreakerStateMachine m : machines.instances()) {
                m.reconfigure(next);
            }
        }
    }

    private Isolated<BreakerStateMachine> isolated(CircuitBreakerSettings s) {
        boolean perPeer = s.isolation().perPeer();
        return new Isolated<>(s.operation(), s.isolation(), (op, peer) -> {
            String key = perPeer ? StateCodec.key(KIND, Operations.validate(op), peer) : StateCodec.key(KIND, Operations.validate(op));
            return newMachine(op, peer, key, load(key, op));
        }, (op, peer, m) -> evicted(perPeer ? StateCodec.key(KIND, op, peer) : StateCodec.key(KIND, op), m));
    }

    /**
     * A peer evicted past {@code max.peers}: its breaker's last transition is in the store already
     * (saved as it happened), so a breaker that is not CLOSED comes back as it was when the peer
     * shows up again; a CLOSED one has nothing worth keeping, and its record is deleted so that
     * peers come and go without the store growing. Its window of recent calls is dropped either
     * way. On the dispatcher, after the transitions queued before it: not on the caller's thread.
     */
    private void evicted(String key, BreakerStateMachine m) {
        Runnable forget = () -> {
            CircuitBreakerState state = m.state();
            logger.info("circuit breaker {}: {} evicted (more than {} peers), {}", pid(), m, settings().isolation().maxPeers(),
                    state == CircuitBreakerState.CLOSED ? "its record dropped" : "its " + state + " record kept");
            if (state == CircuitBreakerState.CLOSED) {
                try {
                    store.delete(key);
                } catch (IOException | RuntimeException e) {
                    logger.warn("circuit breaker {}: cannot delete {}: {}", pid(), key, e.toString());
                }
            }
        };
        try {
            dispatcher.execute(forget);
        } catch (RejectedExecutionException e) {
            forget.run();
        }
    }

    @Override
    protected void stop() {
        drain();
        dispatcher.shutdown();
        try {
            if (!dispatcher.awaitTermination(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("circuit breaker {}: state saves still pending after {} s at deactivation", pid(),
                        DRAIN_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The machines stay: a call that entered through a chain built before this stage left it
        // (the manager swaps chains, calls in flight finish on theirs) is still judged by the last
        // state, an OPEN breaker still rejects it (MakeBeforeBreakIT, issue 12).
    }

    private BreakerStateMachine newMachine(String operation, String peer, String key, BreakerRecord restored) {
        BreakerStateMachine m = new BreakerStateMachine(operation, peer, settings(), clock,
                (transition, record) -> dispatch(key, peer, transition, record), restored);
        if (restored != null) {
            logger.info("circuit breaker {}: restored {} for {}{}{}", pid(), m.state(), operation,
                    peer.isEmpty() ? "" : " peer " + peer,
                    m.state() == CircuitBreakerState.OPEN
                            ? " (" + m.metrics().value("openRemainingMillis") / 1000.0 + " s left)" : "");
        }
        return m;
    }

    private BreakerRecord load(String key, String operation) {
        try {
            Optional<byte[]> bytes = store.load(key);
            if (bytes.isEmpty()) {
                return null;
            }
            BreakerRecord r = BreakerRecord.parse(bytes.get());
            if (!r.operation().equals(operation)) {
                logger.warn("circuit breaker {}: record {} names operation {}; starting CLOSED", pid(), key,
                        r.operation());
                return null;
            }
            return r;
        } catch (IOException | IllegalArgumentException e) {
            logger.warn("circuit breaker {}: cannot restore {} ({}); starting CLOSED", pid(), key, e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- call path

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        BreakerStateMachine m = machines.get(inv);
        long start = inv.startNanos();
        BreakerState admitted = m.acquire(start);
        T result;
        try {
            result = next.proceed(inv);
        } catch (Throwable failure) {
            m.completeAt(admitted, failure, start, inv.operationEndNanos());
            throw failure;
        }
        // The manager's reading of the operation's end: the breaker reads no clock of its own.
        m.completeAt(admitted, null, start, inv.operationEndNanos());
        return result;
    }

    /**
     * The breakers of {@code operation} for the control API, which names operations freely: its one
     * breaker, or with {@code scope = peer} the breaker of every peer seen (and kept) so far.
     */
    private Collection<BreakerStateMachine> machines(String operation) {
        Isolated<BreakerStateMachine> m = machines;
        try {
            return m.isolation().perPeer() ? m.of(operation).values()
                    : List.of(m.get(operation, Invocation.NO_PEER, clock.nanoTime()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("circuit breaker " + pid() + " " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- transitions

    /** Runs under the machine's transition lock: only queue work here. */
    private void dispatch(String key, String peer, CircuitBreakerTransition transition, BreakerRecord record) {
        try {
            dispatcher.execute(() -> deliver(key, peer, transition, record));
        } catch (RejectedExecutionException e) {
            // Deactivating: save on this thread so that the last state is not lost.
            deliver(key, peer, transition, record);
        }
    }

    private void deliver(String key, String peer, CircuitBreakerTransition transition, BreakerRecord record) {
        String of = peer.isEmpty() ? "" : " peer " + peer;
        if (transition.manual() || transition.to() == CircuitBreakerState.CLOSED) {
            logger.info("circuit breaker {}{}: {}", pid(), of, transition);
        } else {
            logger.warn("circuit breaker {}{}: {}", pid(), of, transition);
        }
        try {
            store.save(key, record.toBytes());
        } catch (IOException | RuntimeException e) {
            logger.error("circuit breaker {}: cannot save state {} of {}: {}", pid(), record.state(),
                    record.operation(), e.toString());
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            Map<String, Object> p = new HashMap<>();
            p.put(ResilienceEvents.OPERATION, transition.operation());
            if (!peer.isEmpty()) {
                p.put("peer", peer);
            }
            p.put(ResilienceEvents.FROM, transition.from().name());
            p.put(ResilienceEvents.TO, transition.to().name());
            p.put(ResilienceEvents.REASON, transition.reason());
            p.put(ResilienceEvents.TIMESTAMP, transition.timestampMillis());
            p.put(ResilienceEvents.PID, pid());
            p.put("manual", transition.manual());
            if (transition.openUntilMillis() != 0) {
                p.put("openUntil", transition.openUntilMillis());
            }
            events.postEvent(new Event(ResilienceEvents.CIRCUIT_BREAKER_STATE_CHANGED, p));
        }
        for (Map.Entry<Map<String, ?>, CircuitBreakerListener> l : listeners) {
            if (listensTo(l.getKey().get(CircuitBreakerListener.OPERATION), transition.operation())) {
                try {
                    l.getValue().onStateChange(transition);
                } catch (RuntimeException e) {
                    logger.error("circuit breaker {}: listener {} failed on {}: {}", pid(), l.getValue(), transition,
                            e.toString());
                }
            }
        }
    }

    private static boolean listensTo(Object filter, String operation) {
        if (filter == null) {
            return true;
        }
        if (filter instanceof String s) {
            return s.equals(Stage.ANY_OPERATION) || s.equals(operation);
        }
        if (filter instanceof String[] a) {
            for (String s : a) {
                if (s.equals(Stage.ANY_OPERATION) || s.equals(operation)) {
                    return true;
                }
            }
            return false;
        }
        if (filter instanceof Collection<?> c) {
            return c.contains(Stage.ANY_OPERATION) || c.contains(operation);
        }
        return false;
    }

    /** Waits until every transition handed to the dispatcher so far has been delivered. */
    void drain() {
        CountDownLatch done = new CountDownLatch(1);
        try {
            dispatcher.execute(done::countDown);
        } catch (RejectedExecutionException e) {
            return;
        }
        try {
            if (!done.await(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("circuit breaker {}: transitions still undelivered after {} s", pid(), DRAIN_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- metrics and control

    /**
     * One snapshot per breaker. With {@code scope = peer}, each operation's peers' snapshots (with
     * their peer) follow one about the whole operation (no peer) that counts its peers:
     * {@code peers}, {@code openPeers}, {@code halfOpenPeers}, {@code maxPeers} (no {@code state}:
     * an operation whose peers differ has none).
     */
    @Override
    public List<MetricsSnapshot> metrics() {
        Isolated<BreakerStateMachine> current = machines;
        List<MetricsSnapshot> all = new ArrayList<>();
        Map<String, int[]> peersByOperation = new TreeMap<>();
        for (Isolated.Entry<BreakerStateMachine> e : current.all()) {
            all.add(e.instance().metrics());
            if (current.isolation().perPeer()) {
                int[] count = peersByOperation.computeIfAbsent(e.operation(), op -> new int[3]);
                CircuitBreakerState st = e.instance().state();
                count[0]++;
                count[1] += st == CircuitBreakerState.OPEN || st == CircuitBreakerState.FORCED_OPEN ? 1 : 0;
                count[2] += st == CircuitBreakerState.HALF_OPEN ? 1 : 0;
            }
        }
        long now = clock.currentTimeMillis();
        peersByOperation.forEach((op, count) -> {
            Map<String, Number> v = new LinkedHashMap<>();
            v.put("peers", count[0]);
            v.put("openPeers", count[1]);
            v.put("halfOpenPeers", count[2]);
            v.put("maxPeers", current.isolation().maxPeers());
            all.add(new MetricsSnapshot(KIND, op, v, now));
        });
        // by operation, the whole operation's first, then its peers
        all.sort(Comparator.comparing(MetricsSnapshot::operation).thenComparing(MetricsSnapshot::peer));
        return all;
    }

    @Override
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        for (Isolated.Entry<BreakerStateMachine> e : machines.all()) {
            operations.add(e.operation());
        }
        return operations;
    }

    /**
     * @return the breaker's state; with {@code scope = peer}, the most severe of its peers' (forced
     *         open, open, half open, then the others; CLOSED before any peer shows up)
     */
    @Override
    public CircuitBreakerState state(String operation) {
        CircuitBreakerState worst = null;
        for (BreakerStateMachine m : machines(operation)) {
            CircuitBreakerState st = m.state();
            if (worst == null || severity(st) > severity(worst)) {
                worst = st;
            }
        }
        return worst == null ? CircuitBreakerState.CLOSED : worst;
    }

    private static int severity(CircuitBreakerState state) {
        switch (state) {
            case FORCED_OPEN:
                return 5;
            case OPEN:
                return 4;
            case HALF_OPEN:
                return 3;
            case METRICS_ONLY:
                return 2;
            case DISABLED:
                return 1;
            default:
                return 0;
        }
    }

    /** With {@code scope = peer}: every peer's breaker kept so far. */
    @Override
    public void transitionTo(String operation, CircuitBreakerState target) {
        for (BreakerStateMachine m : machines(operation)) {
            m.transitionTo(target);
        }
    }

    /** With {@code scope = peer}: every peer's breaker kept so far. */
    @Override
    public void openFor(String operation, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("circuit breaker " + pid() + ": open duration must be positive, not "
                    + duration);
        }
        for (BreakerStateMachine m : machines(operation)) {
            m.openFor(duration);
        }
    }

    /** With {@code scope = peer}: every peer's breaker kept so far. */
    @Override
    public void reset(String operation) {
        for (BreakerStateMachine m : machines(operation)) {
            m.reset();
        }
    }

    /**
     * @param operation an operation served
     * @return the breakers of its peers by peer ({@code ""} the one key in operation scope)
     */
    Map<String, BreakerStateMachine> peers(String operation) {
        return machines.of(operation);
    }

    @Override
    public String toString() {
        return "circuit-breaker stage " + pid();
    }
}
