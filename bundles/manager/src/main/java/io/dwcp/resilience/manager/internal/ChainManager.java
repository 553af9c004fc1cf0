package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The resilience manager without OSGi: keeps the registered stages and observers, builds one
 * immutable chain per operation, and runs calls through it.
 *
 * <p>Changes (stages, observers, policies) are serialised by one lock and published per operation
 * with one volatile write. The call path reads that field once and walks the chain: no lock, and
 * no allocation of its own (invocations come from a per-thread pool).
 */
final class ChainManager implements ResilienceManager {

    private final ManagerLog log;
    private final Consumer<Set<String>> chainsChanged;
    private final OperationRuntime.ObserverFailureHandler observerFailures;
    private final ConcurrentHashMap<String, OperationRuntime> runtimes = new ConcurrentHashMap<>();
    private final ThreadLocal<InvocationPool> pools = ThreadLocal.withInitial(InvocationPool::new);
    private volatile TimeSource clock = TimeSource.SYSTEM;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<Long, StageRegistration> stages = new LinkedHashMap<>();
    private final Map<Long, ObserverRegistration> observers = new LinkedHashMap<>();
    private MissingStagePolicies policies = MissingStagePolicies.ALL_BYPASS;
    private int maxOperations = 256;

    /**
     * @param log              where to report
     * @param chainsChanged    told, outside the call path, which operations' chains changed
     * @param observerFailures told when an observer throws
     */
    ChainManager(ManagerLog log, Consumer<Set<String>> chainsChanged,
            OperationRuntime.ObserverFailureHandler observerFailures) {
        this.log = log;
        this.chainsChanged = chainsChanged;
        this.observerFailures = observerFailures;
        synchronized (lock) {
            for (String operation : Operations.DWCP) {
                runtimes.put(operation, newRuntimeLocked(operation));
            }
        }
    }

    // ---------------------------------------------------------------- the call path

    @Override
    public <T> T execute(String operation, Call<T> call) throws Exception {
        return execute(operation, Invocation.NO_PEER, call);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T execute(String operation, String peer, Call<T> call) throws Exception {
        OperationRuntime op = runtimes.get(operation);
        if (op == null) {
            op = addOperation(operation);
        }
        Objects.requireNonNull(call, "call");
        Chain chain = op.chain;
        TimeSource time = clock;
        InvocationPool pool = pools.get();
        PooledInvocation inv = pool.acquire();
        long start = time.nanoTime();
        inv.start(operation, peer == null ? Invocation.NO_PEER : peer, call, time, start);
        Throwable failure = null;
        try {
            return (T) chain.head().proceed(inv);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            op.completed(inv, time.nanoTime() - start, failure, observerFailures);
            pool.release(inv);
        }
    }

    // ---------------------------------------------------------------- views

    @Override
    public ChainView chain(String operation) {
        OperationRuntime op = runtimes.get(operation);
        if (op != null) {
            return op.chain.view();
        }
        Operations.validate(operation);
        synchronized (lock) {
            return Chain.build(operation, stages.values(), policies).view();
        }
    }

    @Override
    public Set<String> operations() {
        return Collections.unmodifiableSet(new TreeSet<>(runtimes.keySet()));
    }

    @Override
    public OperationMetrics metrics(String operation) {
        OperationRuntime op = runtimes.get(operation);
        if (op != null) {
            return op.snapshot();
        }
        Operations.validate(operation);
        return new OperationMetrics(operation, 0, 0, 0, 0, 0, LatencySnapshot.EMPTY);
    }

    // ---------------------------------------------------------------- changes

    void setClock(TimeSource clock) {
        this.clock = clock == null ? TimeSource.SYSTEM : clock;
    }

    void configure(MissingStagePolicies policies, int maxOperations) {
        Set<String> changed;
        synchronized (lock) {
            this.policies = policies;
            this.maxOperations = maxOperations;
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    void addStage(StageRegistration registration) {
        Set<String> changed;
        synchronized (lock) {
            stages.put(registration.serviceId(), registration);
            for (String operation : registration.operations()) {
                if (!runtimes.containsKey(operation)) {
                    if (runtimes.size() < maxOperations) {
                        runtimes.put(operation, newRuntimeLocked(operation));
                    } else {
                        log.warn("stage " + registration.describe() + " names operation '" + operation
                                + "' but the manager already keeps " + maxOperations
                                + " operations (max.operations); it serves the known ones only");
                    }
                }
            }
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    void removeStage(long serviceId) {
        Set<String> changed;
        synchronized (lock) {
            if (stages.remove(serviceId) == null) {
                return;
            }
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    void addObserver(long serviceId, CallObserver observer, Set<String> operations) {
        synchronized (lock) {
            observers.put(serviceId, new ObserverRegistration(observer, operations));
            rebuildObserversLocked();
        }
    }

    void removeObserver(long serviceId) {
        synchronized (lock) {
            if (observers.remove(serviceId) != null) {
                rebuildObserversLocked();
            }
        }
    }

    private OperationRuntime addOperation(String operation) {
        Operations.validate(operation);
        synchronized (lock) {
            OperationRuntime op = runtimes.get(operation);
            if (op != null) {
                return op;
            }
            if (runtimes.size() >= maxOperations) {
                throw new IllegalStateException("operation '" + operation + "' refused: the manager already keeps "
                        + maxOperations + " operations (configuration " + ManagerConfig.PID + ", "
                        + ManagerConfig.KEY_MAX_OPERATIONS + ")");
            }
            op = newRuntimeLocked(operation);
            runtimes.put(operation, op);
            return op;
        }
    }

    private OperationRuntime newRuntimeLocked(String operation) {
        OperationRuntime op = new OperationRuntime(operation, Chain.build(operation, stages.values(), policies));
        op.observers = observersFor(operation);
        return op;
    }

    /** @return the operations whose chain is made of other stages, or rejects differently, than before */
    private Set<String> rebuildChainsLocked() {
        Set<String> changed = new LinkedHashSet<>();
        for (OperationRuntime op : runtimes.values()) {
            Chain next = Chain.build(op.name, stages.values(), policies);
            if (!next.view().equals(op.chain.view())) {
                changed.add(op.name);
            }
            op.chain = next; // the one volatile write that swaps the chain
        }
        return changed;
    }

    private void rebuildObserversLocked() {
        for (OperationRuntime op : runtimes.values()) {
            op.observers = observersFor(op.name);
        }
    }

    private CallObserver[] observersFor(String operation) {
        List<CallObserver> list = new ArrayList<>();
        for (ObserverRegistration r : observers.values()) {
            if (r.operations().isEmpty() || r.operations().contains(operation)) {
                list.add(r.observer());
            }
        }
        return list.isEmpty() ? OperationRuntime.NO_OBSERVERS : list.toArray(new CallObserver[0]);
    }

    private void announce(Set<String> changed) {
        if (!changed.isEmpty()) {
            for (String operation : changed) {
                log.info("chain of '" + operation + "' is now " + runtimes.get(operation).chain.view().stages()
                        + " (missing " + runtimes.get(operation).chain.view().missing() + ")");
            }
            chainsChanged.accept(changed);
        }
    }

    private record ObserverRegistration(CallObserver observer, Set<String> operations) {
    }
}
