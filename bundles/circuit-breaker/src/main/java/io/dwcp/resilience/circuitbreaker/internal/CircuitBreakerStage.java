package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * The circuit-breaker stage: one DS component per {@code dwcp.circuitbreaker~<name>} factory
 * configuration, serving the operation named by its {@code dwcp.operation} (or, with {@code *},
 * every operation, with one breaker each).
 *
 * <p>Only this class knows OSGi. On the call path it only admits and records through
 * {@link BreakerStateMachine}. Transitions are handed to one serial dispatcher thread (started on
 * demand, gone when idle) that saves the new state to the {@link StateStore}, posts the EventAdmin
 * event and tells the {@link CircuitBreakerListener}s, in the order the transitions happened, so no
 * file write or listener ever runs on a caller's thread.
 */
@Component(configurationPid = CircuitBreakerSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { Stage.class, MetricsSource.class, CircuitBreakerControl.class },
        property = Stage.KIND + "=circuit-breaker")
@Designate(ocd = CircuitBreakerConfig.class, factory = true)
public final class CircuitBreakerStage implements Stage, MetricsSource, CircuitBreakerControl {

    private static final long DRAIN_TIMEOUT_SECONDS = 10;

    @Reference(service = LoggerFactory.class)
    Logger logger;

    /** Mandatory: a breaker whose state could not survive a swap would break the layer's promise. */
    @Reference
    StateStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

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

    private final ConcurrentHashMap<String, BreakerStateMachine> machines = new ConcurrentHashMap<>();
    /** Records found in the store for a {@code *} breaker, used when an operation first shows up. */
    private final Map<String, BreakerRecord> stored = new ConcurrentHashMap<>();
    /** The breaker of a single-operation configuration: the call path's one field read. */
    private volatile BreakerStateMachine single;
    private volatile CircuitBreakerSettings settings;
    private volatile String pid = CircuitBreakerSettings.PID;
    private ThreadPoolExecutor dispatcher;

    @Activate
    void activate(Map<String, Object> properties) {
        pid = pidOf(properties);
        CircuitBreakerSettings s;
        try {
            s = CircuitBreakerSettings.from(pid, properties);
        } catch (InvalidConfigurationException e) {
            refuse(e);
            throw e;
        }
        dispatcher = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "dwcp-circuit-breaker-events " + pid);
            t.setDaemon(true);
            return t;
        });
        install(s);
        logger.info("circuit breaker {} active: {}", pid, s);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        pid = pidOf(properties);
        CircuitBreakerSettings next;
        try {
            next = CircuitBreakerSettings.from(pid, properties);
        } catch (InvalidConfigurationException e) {
            refuse(e);
            return;
        }
        CircuitBreakerSettings previous = settings;
        if (!next.operation().equals(previous.operation())) {
            // A breaker is its operation's: another operation means other breakers, from the store.
            drain();
            machines.clear();
            stored.clear();
            install(next); // a single operation: single is replaced, never null in between
            if (Stage.ANY_OPERATION.equals(next.operation())) {
                single = null;
            }
        } else {
            settings = next;
            for (BreakerStateMachine m : machines.values()) {
                m.reconfigure(next);
            }
        }
        logger.info("circuit breaker {} reconfigured: {}", pid, next);
    }

    @Deactivate
    void deactivate() {
        drain();
        dispatcher.shutdown();
        try {
            if (!dispatcher.awaitTermination(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("circuit breaker {}: state saves still pending after {} s at deactivation", pid,
                        DRAIN_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The machines stay: a call that entered through a chain built before this stage left it
        // (the manager swaps chains, calls in flight finish on theirs) is still judged by the last
        // state, an OPEN breaker still rejects it. Clearing them made such a call fail with a
        // NullPointerException (MakeBeforeBreakIT, issue 12).
    }

    private void install(CircuitBreakerSettings s) {
        settings = s;
        if (Stage.ANY_OPERATION.equals(s.operation())) {
            for (String key : store.keys()) {
                String prefix = BreakerRecord.key("");
                if (key.startsWith(prefix)) {
                    load(key.substring(prefix.length())).ifPresent(r -> stored.put(r.operation(), r));
                }
            }
        } else {
            single = machines.computeIfAbsent(s.operation(), op -> newMachine(op, load(op).orElse(null)));
        }
    }

    private BreakerStateMachine newMachine(String operation, BreakerRecord restored) {
        BreakerStateMachine m = new BreakerStateMachine(operation, settings, clock,
                (transition, record) -> dispatch(transition, record), restored);
        if (restored != null) {
            logger.info("circuit breaker {}: restored {} for {}{}", pid, m.state(), operation,
                    m.state() == CircuitBreakerState.OPEN
                            ? " (" + m.metrics().value("openRemainingMillis") / 1000.0 + " s left)" : "");
        }
        return m;
    }

    private Optional<BreakerRecord> load(String operation) {
        String key = BreakerRecord.key(operation);
        try {
            Optional<byte[]> bytes = store.load(key);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            BreakerRecord r = BreakerRecord.parse(bytes.get());
            if (!r.operation().equals(operation)) {
                logger.warn("circuit breaker {}: record {} names operation {}; starting CLOSED", pid, key,
                        r.operation());
                return Optional.empty();
            }
            return Optional.of(r);
        } catch (IOException | IllegalArgumentException e) {
            logger.warn("circuit breaker {}: cannot restore {} ({}); starting CLOSED", pid, key, e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- call path

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        BreakerStateMachine m = single;
        if (m == null) {
            m = machine(inv.operation());
        }
        long start = inv.startNanos();
        BreakerState admitted = m.acquire(start);
        T result;
        try {
            result = next.proceed(inv);
        } catch (Throwable failure) {
            m.complete(admitted, failure, inv.timeSource(), start);
            throw failure;
        }
        m.complete(admitted, null, inv.timeSource(), start);
        return result;
    }

    private BreakerStateMachine machine(String operation) {
        BreakerStateMachine m = machines.get(operation);
        if (m != null) {
            return m;
        }
        CircuitBreakerSettings s = settings;
        if (!Stage.ANY_OPERATION.equals(s.operation())) {
            if (s.operation().equals(operation)) {
                return single;
            }
            throw new IllegalArgumentException("circuit breaker " + pid + " serves " + s.operation() + ", not "
                    + operation);
        }
        Operations.validate(operation);
        return machines.computeIfAbsent(operation, op -> newMachine(op, stored.remove(op)));
    }

    // ---------------------------------------------------------------- transitions

    /** Runs under the machine's transition lock: only queue work here. */
    private void dispatch(CircuitBreakerTransition transition, BreakerRecord record) {
        try {
            dispatcher.execute(() -> deliver(transition, record));
        } catch (RejectedExecutionException e) {
            // Deactivating: save on this thread so that the last state is not lost.
            deliver(transition, record);
        }
    }

    private void deliver(CircuitBreakerTransition transition, BreakerRecord record) {
        if (transition.manual()) {
            logger.info("circuit breaker {}: {}", pid, transition);
        } else if (transition.to() == CircuitBreakerState.CLOSED) {
            logger.info("circuit breaker {}: {}", pid, transition);
        } else {
            logger.warn("circuit breaker {}: {}", pid, transition);
        }
        try {
            store.save(BreakerRecord.key(record.operation()), record.toBytes());
        } catch (IOException | RuntimeException e) {
            logger.error("circuit breaker {}: cannot save state {} of {}: {}", pid, record.state(),
                    record.operation(), e.toString());
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            Map<String, Object> p = new HashMap<>();
            p.put(ResilienceEvents.OPERATION, transition.operation());
            p.put(ResilienceEvents.FROM, transition.from().name());
            p.put(ResilienceEvents.TO, transition.to().name());
            p.put(ResilienceEvents.REASON, transition.reason());
            p.put(ResilienceEvents.TIMESTAMP, transition.timestampMillis());
            p.put(ResilienceEvents.PID, pid);
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
                    logger.error("circuit breaker {}: listener {} failed on {}: {}", pid, l.getValue(), transition,
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
                logger.warn("circuit breaker {}: transitions still undelivered after {} s", pid, DRAIN_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refuse(InvalidConfigurationException e) {
        logger.error(e.getMessage());
        EventAdmin events = eventAdmin;
        if (events != null) {
            Map<String, Object> p = new HashMap<>();
            p.put(ResilienceEvents.PID, e.pid());
            p.put(ResilienceEvents.KEY, e.key());
            p.put(ResilienceEvents.REASON, e.getMessage());
            events.postEvent(new Event(ResilienceEvents.CONFIGURATION_REFUSED, p));
        }
    }

    private static String pidOf(Map<String, Object> properties) {
        Object p = properties.get("service.pid");
        if (p instanceof String s) {
            return s;
        }
        if (p instanceof String[] a && a.length > 0) {
            return a[a.length - 1];
        }
        return CircuitBreakerSettings.PID;
    }

    // ---------------------------------------------------------------- metrics and control

    @Override
    public List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> all = new ArrayList<>();
        for (String op : new TreeSet<>(machines.keySet())) {
            BreakerStateMachine m = machines.get(op);
            if (m != null) {
                all.add(m.metrics());
            }
        }
        return all;
    }

    @Override
    public Set<String> operations() {
        return Set.copyOf(machines.keySet());
    }

    @Override
    public CircuitBreakerState state(String operation) {
        return machine(operation).state();
    }

    @Override
    public void transitionTo(String operation, CircuitBreakerState target) {
        machine(operation).transitionTo(target);
    }

    @Override
    public void openFor(String operation, Duration duration) {
        machine(operation).openFor(duration);
    }

    @Override
    public void reset(String operation) {
        machine(operation).reset();
    }

    /** @return the settings in force (for tests and consoles) */
    CircuitBreakerSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "circuit-breaker stage " + pid;
    }
}
