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
import io.dwcp.resilience.kit.PerKey;
import io.dwcp.resilience.kit.StateCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * every operation, with one breaker each).
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

    /** One breaker per operation, restored from the store when the operation first shows up. */
    private volatile PerKey<BreakerStateMachine> machines;
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
        machines = new PerKey<>(s.operation(), op -> newMachine(Operations.validate(op), load(op)));
    }

    @Override
    protected void apply(CircuitBreakerSettings previous, CircuitBreakerSettings next) {
        if (!next.operation().equals(previous.operation())) {
            // A breaker is its operation's: another operation means other breakers, from the store.
            drain();
            machines = new PerKey<>(next.operation(), op -> newMachine(Operations.validate(op), load(op)));
        } else {
            for (BreakerStateMachine m : machines.all()) {
                m.reconfigure(next);
            }
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

    private BreakerStateMachine newMachine(String operation, BreakerRecord restored) {
        BreakerStateMachine m = new BreakerStateMachine(operation, settings(), clock, this::dispatch, restored);
        if (restored != null) {
            logger.info("circuit breaker {}: restored {} for {}{}", pid(), m.state(), operation,
                    m.state() == CircuitBreakerState.OPEN
                            ? " (" + m.metrics().value("openRemainingMillis") / 1000.0 + " s left)" : "");
        }
        return m;
    }

    private BreakerRecord load(String operation) {
        String key = StateCodec.key(KIND, operation);
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
        BreakerStateMachine m = machines.get(inv.operation());
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

    /** The breaker of {@code operation} for the control API, which names operations freely. */
    private BreakerStateMachine machine(String operation) {
        PerKey<BreakerStateMachine> m = machines;
        if (m.isSingle() && !m.configured().equals(operation)) {
            throw new IllegalArgumentException("circuit breaker " + pid() + " serves " + m.configured() + ", not "
                    + operation);
        }
        return m.get(operation);
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
            logger.info("circuit breaker {}: {}", pid(), transition);
        } else if (transition.to() == CircuitBreakerState.CLOSED) {
            logger.info("circuit breaker {}: {}", pid(), transition);
        } else {
            logger.warn("circuit breaker {}: {}", pid(), transition);
        }
        try {
            store.save(StateCodec.key(KIND, record.operation()), record.toBytes());
        } catch (IOException | RuntimeException e) {
            logger.error("circuit breaker {}: cannot save state {} of {}: {}", pid(), record.state(),
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

    @Override
    public List<MetricsSnapshot> metrics() {
        List<MetricsSnapshot> all = new ArrayList<>();
        for (BreakerStateMachine m : machines.all()) {
            all.add(m.metrics());
        }
        all.sort(Comparator.comparing(MetricsSnapshot::operation));
        return all;
    }

    @Override
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        for (BreakerStateMachine m : machines.all()) {
            operations.add(m.operation());
        }
        return operations;
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

    @Override
    public String toString() {
        return "circuit-breaker stage " + pid();
    }
}
