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
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    /**
     * The calling threads' pools by the low bits of their thread id, in front of {@link #pools}: a
     * busy thread's ThreadLocal map (Felix, SCR, the stages' own) often misses its first slot (JFR,
     * full chain at 2 threads: {@code ThreadLocal.get} 2.6-4.8 % of the call's samples). A slot is
     * taken by the first thread that needs it and handed on only once that thread has ended; a
     * thread that finds its slot taken keeps using the ThreadLocal. Plain reads and writes: a stale
     * slot only costs the ThreadLocal, since a pool is used only by the thread it names (its final
     * {@code owner}, safely seen through a racy read).
     */
    private final InvocationPool[] poolsById = new InvocationPool[POOL_SLOTS];
    private static final int POOL_SLOTS = 256;
    private volatile TimeSource clock = TimeSource.SYSTEM;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<Long, StageRegistration> stages = new LinkedHashMap<>();
    private final Map<Long, ObserverRegistration> observers = new LinkedHashMap<>();
    private MissingStagePolicies policies = MissingStagePolicies.ALL_BYPASS;
    /** Set once the framework is stopping (guarded by lock). */
    private boolean stopping;
    private int maxOperations = 256;
    private HoldSettings hold = HoldSettings.NONE;
    /**
     * Missing kinds calls wait for, keyed {@code operation|kind} ({@code *|kind} for every operation):
     * the clock instant until which they wait. Entries are made when a held kind's last provider for
     * an operation goes away, and for the kinds the configuration names at start-up.
     */
    private final Map<String, Long> awaited = new HashMap<>();
    private final Chain.Awaited awaitedLookup = this::awaitedUntilLocked;
    private long startedNanos;

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
            startedNanos = clock.nanoTime();
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
        InvocationPool pool = pool();
        // the thread's last operation when it is the same String (a caller's constant): no map
        // look-up (issue 15); runtimes are never removed, so the remembered one stays valid
        OperationRuntime op = pool.lastOperation == operation ? pool.lastRuntime : lookUp(operation, pool);
        Objects.requireNonNull(call, "call");
        Chain chain = op.chain;
        TimeSource time = clock;
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
            // the operation's end when it ran (no third clock read; the stages' work after it is
            // not counted), the clock otherwise (refused, or finished on a detached copy)
            long end = inv.operationEnded() ? inv.operationEndNanos() : time.nanoTime();
            op.completed(inv, end - start, failure, observerFailures, pool.state(op));
            pool.release(inv);
        }
    }

    /** @return the calling thread's invocation pool */
    private InvocationPool pool() {
        Thread me = Thread.currentThread();
        int i = (int) me.getId() & (POOL_SLOTS - 1);
        InvocationPool p = poolsById[i];
        return p != null && p.owner == me ? p : poolFromThreadLocal(i, p);
    }

    private InvocationPool poolFromThreadLocal(int slot, InvocationPool seen) {
        InvocationPool mine = pools.get();
        if (!mine.slotTaken) {
            if (seen == null || !seen.owner.isAlive()) {
                poolsById[slot] = mine;
            } else {
                mine.slotTaken = true; // by a live thread: do not ask again on every call
            }
        }
        return mine;
    }

    private OperationRuntime lookUp(String operation, InvocationPool pool) {
        OperationRuntime op = runtimes.get(operation);
        if (op == null) {
            op = addOperation(operation);
        }
        pool.lastOperation = operation;
        pool.lastRuntime = op;
        return op;
    }

    // ---------------------------------------------------------------- views

    @Override
    public ChainView chain(String operation) {
        OperationRuntime op = runtimes.get(operation);
        if (op != null) {
            Chain chain = op.chain;
            if (chain.holding() && clock.nanoTime() - chain.holdUntil() >= 0) {
                expireHolds(); // no call came to end the hold: the view must still tell the truth
                chain = op.chain;
            }
            return chain.view();
        }
        Operations.validate(operation);
        synchronized (lock) {
            return Chain.build(operation, stages.values(), policies, awaitedLookup, clock.nanoTime(), null).view();
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
        configure(policies, maxOperations, HoldSettings.NONE);
    }

    void configure(MissingStagePolicies policies, int maxOperations, HoldSettings hold) {
        Set<String> changed;
        synchronized (lock) {
            this.policies = policies;
            this.maxOperations = maxOperations;
            this.hold = hold;
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    /** @return the hold settings in force */
    HoldSettings holdSettings() {
        synchronized (lock) {
            return hold;
        }
    }

    /** Counts the start-up grace from now (the manager's activation). */
    void started() {
        synchronized (lock) {
            startedNanos = clock.nanoTime();
        }
    }

    /** @return whether the start-up grace period is still running */
    boolean inStartupGrace() {
        synchronized (lock) {
            return clock.nanoTime() - startedNanos < hold.graceNanos();
        }
    }

    /**
     * The start-up gate: until the grace period that began when the manager started has passed,
     * calls of each operation wait for the kinds its configuration names.
     *
     * @param expected operation ({@code *} for all) to the kinds its configuration names
     */
    void expectConfigured(Map<String, Set<StageKind>> expected) {
        Set<String> changed;
        synchronized (lock) {
            long until = startedNanos + hold.graceNanos();
            if (until - clock.nanoTime() <= 0) {
                return;
            }
            for (Map.Entry<String, Set<StageKind>> e : expected.entrySet()) {
                for (StageKind kind : e.getValue()) {
                    awaited.merge(e.getKey() + "|" + kind.id(), until, Math::max);
                }
            }
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    /**
     * Lets calls held past their hold run on (the policy now applies): the waiting callers do this
     * themselves when their hold expires; a test with a manual clock calls it after advancing time.
     */
    void expireHolds() {
        Set<String> changed;
        synchronized (lock) {
            changed = rebuildChainsLocked();
        }
        announce(changed);
    }

    /**
     * Parks a call of {@code op} while its chain is the one {@code held} heads, at most until
     * {@code untilNanos}; then returns the chain in force (another holding chain when a kind is still
     * awaited, the complete chain, or one the missing-stage policy shaped).
     */
    Chain awaitChain(OperationRuntime op, Link held, long untilNanos, String kinds) throws InterruptedException {
        TimeSource time = clock;
        long start = time.nanoTime();
        synchronized (op) {
            while (op.chain.head() == held) {
                long left = untilNanos - time.nanoTime();
                if (left <= 0) {
                    break;
                }
                op.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
        if (op.chain.head() == held) {
            expireHolds(); // this hold is over: apply the policy (or the next hold) to every caller
        }
        long now = time.nanoTime();
        op.held(now - start);
        return op.chain;
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

    /**
     * The framework is stopping: a provider that goes away now does not come back, so holding calls
     * for it would only delay them and then run them without it. From now on a held kind that is
     * missing rejects the call ({@code StageUnavailableException}), and calls already held are
     * released to that verdict at once.
     */
    void frameworkStopping() {
        Set<String> changed;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            for (String key : awaited.keySet()) { // "operation|kind": what calls wait for now
                int bar = key.lastIndexOf('|');
                StageKind.fromId(key.substring(bar + 1)).ifPresent(
                        kind -> policies = policies.rejecting(key.substring(0, bar), kind));
            }
            awaited.clear();
            changed = rebuildChainsLocked();
        }
        log.info("the framework is stopping: a call that misses one of " + hold.kinds()
                + " its chain had is rejected from now on, not held for a provider that will not come back");
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
        OperationRuntime op = new OperationRuntime(operation, runtimes.size()); // never removed: indexes stay unique
        op.chain = buildLocked(op, clock.nanoTime());
        op.observers = observersFor(operation);
        return op;
    }

    private Chain buildLocked(OperationRuntime op, long now) {
        return Chain.build(op.name, stages.values(), policies, awaitedLookup, now,
                (until, kinds) -> new Link.HoldLink(this, op, until, kinds));
    }

    private long awaitedUntilLocked(String operation, StageKind kind) {
        Long mine = awaited.get(operation + "|" + kind.id());
        Long all = awaited.get(Stage.ANY_OPERATION + "|" + kind.id());
        return Math.max(mine == null ? Long.MIN_VALUE : mine, all == null ? Long.MIN_VALUE : all);
    }

    /** @return the operations whose chain is made of other stages, rejects or holds differently, than before */
    private Set<String> rebuildChainsLocked() {
        long now = clock.nanoTime();
        awaited.values().removeIf(until -> until - now <= 0);
        Set<String> changed = new LinkedHashSet<>();
        for (OperationRuntime op : runtimes.values()) {
            Chain previous = op.chain;
            awaitLostKindsLocked(op, previous, now);
            Chain next = buildLocked(op, now);
            if (!next.view().equals(previous.view())) {
                changed.add(op.name);
            }
            op.chain = next; // the one volatile write that swaps the chain
            if (previous.holding()) {
                synchronized (op) {
                    op.notifyAll(); // held calls go on with the new chain
                }
            }
        }
        return changed;
    }

    /**
     * Make-before-break: a held kind that the operation's chain had and no registered stage serves
     * any longer is awaited for the hold time (its bundle is probably being updated or restarted).
     */
    private void awaitLostKindsLocked(OperationRuntime op, Chain previous, long now) {
        if (hold.holdNanos() == 0) {
            return;
        }
        for (StageDescriptor had : previous.view().stages()) {
            StageKind kind = had.kind();
            if (hold.holds(kind) && stages.values().stream().noneMatch(r -> r.kind() == kind && r.serves(op.name))) {
                if (stopping) {
                    policies = policies.rejecting(op.name, kind); // it will not come back: refuse, never bypass
                    continue;
                }
                awaited.merge(op.name + "|" + kind.id(), now + hold.holdNanos(), Math::max);
            }
        }
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
                OperationRuntime op = runtimes.get(operation);
                ChainView view = op.chain.view();
                if (view.holding()) {
                    log.info("chain of '" + operation + "' is now " + view.stages() + ": calls wait for "
                            + view.held() + " to come back (at most " + heldForMillis(op) + " ms more)");
                } else {
                    String held = op.heldCalls() == 0 ? "" : "; calls held so far " + op.heldCalls()
                            + ", longest " + TimeUnit.NANOSECONDS.toMillis(op.heldMaxNanos()) + " ms";
                    log.info("chain of '" + operation + "' is now " + view.stages() + " (missing " + view.missing()
                            + (view.rejected().isEmpty() ? "" : ", rejected " + view.rejected()) + held + ")");
                }
            }
            chainsChanged.accept(changed);
        }
    }

    private long heldForMillis(OperationRuntime op) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(op.chain.holdUntil() - clock.nanoTime()));
    }

    private record ObserverRegistration(CallObserver observer, Set<String> operations) {
    }
}
