package io.dwcp.resilience.chaos.internal;

import io.dwcp.resilience.api.InjectedFaultException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.chaos.PartitionPolicy;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The chaos engine: decides which calls get a fault and from which injector, and keeps chaos safe.
 *
 * <p>Safety is structural. Chaos is two-keyed: {@link ChaosSettings#allowed()} must be true and an
 * operator must {@linkplain #arm arm} it for a bounded duration. Everything an arming needs is
 * validated and precomputed into one immutable {@link Armed} object, published by a single
 * volatile write; disarmed, that field is {@code null} and a call costs one volatile read before
 * it proceeds. Disarming (by an operator, by expiry, by configuration, or on shutdown) clears the
 * field first, so no new fault starts, and then reverts every injector the engine knows.
 *
 * <p>Control methods are serialised by one lock; the call path takes none.
 */
final class ChaosEngine {

    private final TimeSource clock;
    private final DoubleSupplier random;
    private final ChaosAudit audit;
    private final Object lock = new Object();

    /** The arming in force, or {@code null}: the only field the disabled call path reads. */
    private volatile Armed armed;

    // guarded by lock
    private ChaosSettings settings;
    private final List<Registration<FaultInjector>> injectors = new ArrayList<>();
    private final List<Registration<PartitionPolicy>> partitionPolicies = new ArrayList<>();
    private long arms;
    private long disarms;
    private long refusals;
    private String lastReason = "never armed";

    private final Map<String, LongAdder> injections = new ConcurrentHashMap<>();

    /**
     * @param clock    the monotonic and wall clocks of arming and expiry (the chain's clock)
     * @param random   uniform doubles in [0, 1), thread-safe
     * @param audit    where arms, disarms, refusals and injections are reported
     * @param settings the initial configuration
     */
    ChaosEngine(TimeSource clock, DoubleSupplier random, ChaosAudit audit, ChaosSettings settings) {
        this.clock = clock;
        this.random = random;
        this.audit = audit;
        this.settings = settings;
    }

    // ------------------------------------------------------------------ call path

    /**
     * Runs one call through the chaos stage.
     *
     * @param inv  the call
     * @param next the rest of the chain; a chosen fault is set as the invocation's operation
     *             interceptor and so takes effect at the end of it
     * @param <T>  the result type
     * @return the call's result
     * @throws Exception an injected fault or what the rest of the chain threw
     */
    <T> T execute(Invocation inv, Next<T> next) throws Exception {
        Armed a = armed;
        if (a == null) {
            return next.proceed(inv);
        }
        return executeArmed(a, inv, next);
    }

    /*
     * The decision (expiry, partitions, scope, probability, weights) and its audit happen here, at
     * the outermost position, once per logical call. The fault itself takes effect innermost, through
     * Invocation.interceptOperation, as if the operation had produced it: every inner protection
     * (load shedding, rate limiting, bulkhead, circuit breaker, retry, timeout) then sees and records
     * it, and a timeout stage bounds injected latency. A call that gets no fault allocates nothing.
     */
    private <T> T executeArmed(Armed a, Invocation inv, Next<T> next) throws Exception {
        if (inv.startNanos() - a.plan.expiresAtNanos() >= 0) {
            // Past its end the arming is void on every call; the expiry timer disarms and reverts.
            return next.proceed(inv);
        }
        String peer = inv.peer();
        if (a.partitions.length > 0 && !peer.isEmpty()) {
            for (Entry<PartitionPolicy> p : a.partitions) {
                if (p.service.isPartitioned(peer)) {
                    p.count.increment();
                    audit.injected(p.name, inv);
                    inv.interceptOperation(new PartitionFault(p));
                    return next.proceed(inv);
                }
            }
        }
        if (!a.inScope(inv.operation(), peer)) {
            return next.proceed(inv);
        }
        double r = random.getAsDouble();
        if (!(r < a.plan.probability()) || a.total == 0) {
            return next.proceed(inv);
        }
        // r / p is uniform in [0, 1) given r < p: one draw decides both whether and which.
        Entry<FaultInjector> chosen = a.pick(r / a.plan.probability());
        chosen.count.increment();
        audit.injected(chosen.name, inv);
        inv.interceptOperation(new InjectorFault(chosen.service));
        return next.proceed(inv);
    }

    /** Applies a chosen injector around the operation itself, on every attempt of the call. */
    private static final class InjectorFault implements Stage {
        private final FaultInjector injector;

        InjectorFault(FaultInjector injector) {
            this.injector = injector;
        }

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            return injector.inject(inv, next);
        }
    }

    /**
     * Fails an attempt addressed to a partitioned peer where the operation would have failed to reach
     * it. Each attempt asks the policy again, so an attempt that starts after the partition healed
     * (a retry after backoff) goes through, as it would over a real network.
     */
    private static final class PartitionFault implements Stage {
        private final Entry<PartitionPolicy> policy;

        PartitionFault(Entry<PartitionPolicy> policy) {
            this.policy = policy;
        }

        @Override
        public <T> T execute(Invocation inv, Next<T> next) throws Exception {
            if (policy.service.isPartitioned(inv.peer())) {
                throw new InjectedFaultException(inv.operation(), policy.name,
                        "peer '" + inv.peer() + "' is partitioned");
            }
            return next.proceed(inv);
        }
    }

    // ------------------------------------------------------------------ control

    /**
     * Arms chaos, or refuses without changing anything.
     *
     * @param request the operator's request
     * @return the status after arming
     * @throws ChaosNotAllowedException when the configuration does not allow chaos
     * @throws IllegalArgumentException for an invalid request, naming the field and value
     */
    ChaosStatus arm(ArmRequest request) {
        synchronized (lock) {
            ChaosSettings s = settings;
            if (!s.allowed()) {
                String message = "chaos arm refused: chaos is not allowed by configuration " + ChaosConfig.PID
                        + " (allowed=false); an administrator must set allowed=true first. Nothing was armed.";
                refusals++;
                audit.refused(message);
                throw new ChaosNotAllowedException(message);
            }
            ArmedPlan plan;
            try {
                plan = plan(request, s);
            } catch (IllegalArgumentException e) {
                refusals++;
                String message = "chaos arm refused: " + e.getMessage() + ". Nothing was armed; "
                        + (armed == null ? "chaos stays disarmed." : "the arming in force stays unchanged.");
                audit.refused(message);
                throw new IllegalArgumentException(message, e);
            }
            armed = build(plan, s);
            arms++;
            ChaosStatus status = statusLocked();
            audit.armed(status);
            return status;
        }
    }

    /**
     * The kill switch: disarms and reverts every injector's faults, whether or not chaos was armed.
     *
     * @param reason why, for the audit trail
     * @return the status after
     */
    ChaosStatus disarm(String reason) {
        synchronized (lock) {
            disarmLocked(reason == null || reason.isBlank() ? "operator" : reason);
            return statusLocked();
        }
    }

    /**
     * Disarms when the arming has run out; called by the expiry timer and by {@link #status()}.
     *
     * @return nanoseconds until the arming in force runs out, or -1 when not armed (any more)
     */
    long expireIfDue() {
        synchronized (lock) {
            Armed a = armed;
            if (a == null) {
                return -1;
            }
            long left = a.plan.expiresAtNanos() - clock.nanoTime();
            if (left > 0) {
                return left;
            }
            disarmLocked("expired: armed for " + Duration.ofMillis(a.plan.expiresAtMillis() - a.plan.armedAtMillis()));
            return -1;
        }
    }

    /**
     * Applies a new configuration; disarms at once when it no longer allows chaos.
     *
     * @param next the validated settings
     */
    void configure(ChaosSettings next) {
        synchronized (lock) {
            settings = next;
            Armed a = armed;
            if (a == null) {
                return;
            }
            if (!next.allowed()) {
                disarmLocked("configuration " + ChaosConfig.PID + " no longer allows chaos");
            } else {
                armed = build(a.plan, next);
            }
        }
    }

    /**
     * Disarms and reverts everything: the engine is stopping.
     *
     * @param reason why
     */
    void close(String reason) {
        synchronized (lock) {
            disarmLocked(reason);
        }
    }

    /** @return the current status, after disarming an arming that has run out */
    ChaosStatus status() {
        expireIfDue();
        synchronized (lock) {
            return statusLocked();
        }
    }

    /** @return the engine's figures for exporters */
    MetricsSnapshot metrics() {
        ChaosStatus s = status();
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("allowed", s.allowed() ? 1 : 0);
        values.put("armed", s.armed() ? 1 : 0);
        values.put("remainingMillis", s.armed() ? Math.max(0, s.expiresAtMillis() - clock.currentTimeMillis()) : 0);
        values.put("probability", s.probability());
        values.put("arms", s.arms());
        values.put("disarms", s.disarms());
        values.put("refusals", s.refusals());
        values.put("injectors", s.availableInjectors().size());
        values.put("injections", s.totalInjections());
        s.injections().forEach((name, n) -> values.put("injections" + camel(name), n));
        return new MetricsSnapshot("chaos", "*", values, clock.currentTimeMillis());
    }

    // ------------------------------------------------------------------ registry

    /**
     * @param registration an injector that appeared
     */
    void addInjector(Registration<FaultInjector> registration) {
        synchronized (lock) {
            injectors.add(registration);
            injections.computeIfAbsent(registration.name(), n -> new LongAdder());
            rebuildLocked();
        }
    }

    /**
     * @param serviceId the service id of an injector that went away
     */
    void removeInjector(long serviceId) {
        synchronized (lock) {
            injectors.removeIf(r -> r.serviceId() == serviceId);
            rebuildLocked();
        }
    }

    /**
     * @param registration a partition policy that appeared
     */
    void addPartitionPolicy(Registration<PartitionPolicy> registration) {
        synchronized (lock) {
            partitionPolicies.add(registration);
            injections.computeIfAbsent(registration.name(), n -> new LongAdder());
            rebuildLocked();
        }
    }

    /**
     * @param serviceId the service id of a partition policy that went away
     */
    void removePartitionPolicy(long serviceId) {
        synchronized (lock) {
            partitionPolicies.removeIf(r -> r.serviceId() == serviceId);
            rebuildLocked();
        }
    }

    // ------------------------------------------------------------------ internals

    private void rebuildLocked() {
        Armed a = armed;
        if (a != null) {
            Armed next = build(a.plan, settings);
            armed = next;
            if (next.injectors.length == 0 && a.injectors.length > 0) {
                audit.idle(statusLocked()); // armed, yet nothing left to inject with: say so
            }
        }
    }

    private void disarmLocked(String reason) {
        Armed a = armed;
        armed = null; // first: no call starts a new fault from here on
        // Every injector, not only the selected ones: the kill switch is absolute.
        Set<FaultInjector> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Registration<FaultInjector> r : injectors) {
            if (seen.add(r.service())) {
                try {
                    r.service().revert();
                } catch (RuntimeException | Error e) {
                    audit.revertFailed(r.name(), e);
                }
            }
        }
        if (a != null) {
            disarms++;
            lastReason = reason;
        }
        audit.disarmed(reason, a != null, statusLocked());
    }

    private ArmedPlan plan(ArmRequest request, ChaosSettings s) {
        if (request == null) {
            throw new IllegalArgumentException("an arm request is required");
        }
        Duration duration = request.duration();
        if (duration == null) {
            throw new IllegalArgumentException("duration is required: chaos always disarms itself after a bounded time");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration=" + duration + " must be positive");
        }
        if (duration.compareTo(s.maxArm()) > 0) {
            throw new IllegalArgumentException("duration=" + duration + " exceeds the maximum " + s.maxArm()
                    + " (max.arm.seconds in " + ChaosConfig.PID + ")");
        }
        double probability = s.probability();
        if (request.probability() != null) {
            probability = request.probability();
            if (!(probability >= 0.0 && probability <= 1.0)) {
                throw new IllegalArgumentException("probability=" + probability + " must be between 0 and 1");
            }
        }
        Set<String> operations = s.operations();
        if (!request.operations().isEmpty()) {
            operations = scope("operations", request.operations(), true);
        }
        Set<String> peers = s.peers();
        if (!request.peers().isEmpty()) {
            peers = scope("peers", request.peers(), false);
        }
        Map<String, Double> weights = s.weights();
        if (!request.injectors().isEmpty()) {
            for (Map.Entry<String, Double> e : request.injectors().entrySet()) {
                Selectors.checkInjector(e.getKey(), e.getValue());
            }
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(request.injectors()));
        }
        Map<String, Registration<FaultInjector>> available = bestInjectors();
        if (available.isEmpty()) {
            throw new IllegalArgumentException("no fault injector is registered: install an injector bundle first");
        }
        for (String name : weights.keySet()) {
            if (!available.containsKey(name)) {
                throw new IllegalArgumentException("unknown injector '" + name + "'"
                        + (request.injectors().isEmpty() ? " (from injectors in " + ChaosConfig.PID + ")" : "")
                        + "; registered injectors are " + available.keySet());
            }
        }
        long nowMillis = clock.currentTimeMillis();
        long nowNanos = clock.nanoTime();
        return new ArmedPlan(probability, operations, peers, weights,
                request.reason().isBlank() ? "operator" : request.reason(), nowMillis,
                nowMillis + duration.toMillis(), Invocation.deadlineAfter(nowNanos, duration.toNanos()));
    }

    private static Set<String> scope(String field, List<String> elements, boolean operations) {
        Set<String> scope = new LinkedHashSet<>();
        for (String e : elements) {
            if (e == null || e.isBlank()) {
                throw new IllegalArgumentException(field + "=" + elements + " contains an empty element");
            }
            String element = e.trim();
            if (Selectors.ANY.equals(element)) {
                return null;
            }
            if (operations) {
                Operations.validate(element);
            }
            scope.add(element);
        }
        return Collections.unmodifiableSet(scope);
    }

    private Map<String, Registration<FaultInjector>> bestInjectors() {
        Map<String, Registration<FaultInjector>> best = new TreeMap<>();
        for (Registration<FaultInjector> r : injectors) {
            best.merge(r.name(), r, (a, b) -> b.beats(a) ? b : a);
        }
        return best;
    }

    private Armed build(ArmedPlan plan, ChaosSettings s) {
        Map<String, Registration<FaultInjector>> best = bestInjectors();
        List<Entry<FaultInjector>> chosen = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        if (plan.weights().isEmpty()) {
            for (Registration<FaultInjector> r : best.values()) {
                chosen.add(new Entry<>(r.name(), r.service(), counter(r.name())));
                weights.add(1.0);
            }
        } else {
            plan.weights().forEach((name, w) -> {
                Registration<FaultInjector> r = best.get(name);
                if (r != null) { // an injector uninstalled while armed simply drops out
                    chosen.add(new Entry<>(name, r.service(), counter(name)));
                    weights.add(w);
                }
            });
        }
        List<Entry<PartitionPolicy>> policies = new ArrayList<>();
        if (s.enforcePartitions()) {
            for (Registration<PartitionPolicy> r : partitionPolicies) {
                policies.add(new Entry<>(r.name(), r.service(), counter(r.name())));
            }
        }
        return new Armed(plan, chosen, weights, policies);
    }

    private LongAdder counter(String name) {
        return injections.computeIfAbsent(name, n -> new LongAdder());
    }

    private ChaosStatus statusLocked() {
        Armed a = armed;
        ChaosSettings s = settings;
        Map<String, Registration<FaultInjector>> best = bestInjectors();
        Map<String, Long> counts = new TreeMap<>();
        injections.forEach((name, n) -> counts.put(name, n.sum()));
        if (a == null) {
            return new ChaosStatus(s.allowed(), false, 0, 0, lastReason, s.probability(),
                    Selectors.describe(s.operations()), Selectors.describe(s.peers()), s.weights(),
                    new ArrayList<>(best.keySet()), counts, arms, disarms, refusals);
        }
        ArmedPlan p = a.plan;
        return new ChaosStatus(s.allowed(), true, p.armedAtMillis(), p.expiresAtMillis(), p.reason(), p.probability(),
                Selectors.describe(p.operations()), Selectors.describe(p.peers()), p.weights(),
                new ArrayList<>(best.keySet()), counts, arms, disarms, refusals);
    }

    private static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            } else {
                upper = true;
            }
        }
        return sb.toString();
    }

    /** A service the armed engine uses, with its injection counter. */
    private static final class Entry<S> {
        final String name;
        final S service;
        final LongAdder count;

        Entry(String name, S service, LongAdder count) {
            this.name = name;
            this.service = service;
            this.count = count;
        }
    }

    /** One arming, ready for the call path: scope sets, injectors and cumulative weights. */
    private static final class Armed {
        final ArmedPlan plan;
        final Entry<FaultInjector>[] injectors;
        final double[] cumulative;
        final double total;
        final Entry<PartitionPolicy>[] partitions;

        @SuppressWarnings("unchecked")
        Armed(ArmedPlan plan, List<Entry<FaultInjector>> chosen, List<Double> weights,
                List<Entry<PartitionPolicy>> policies) {
            this.plan = plan;
            this.injectors = chosen.toArray(new Entry[0]);
            this.cumulative = new double[injectors.length];
            double sum = 0;
            for (int i = 0; i < injectors.length; i++) {
                sum += weights.get(i);
                cumulative[i] = sum;
            }
            this.total = sum;
            this.partitions = policies.toArray(new Entry[0]);
        }

        boolean inScope(String operation, String peer) {
            return (plan.operations() == null || plan.operations().contains(operation))
                    && (plan.peers() == null || plan.peers().contains(peer));
        }

        /** @param u uniform in [0, 1) */
        Entry<FaultInjector> pick(double u) {
            double target = u * total;
            for (int i = 0; i < cumulative.length - 1; i++) {
                if (target < cumulative[i]) {
                    return injectors[i];
                }
            }
            return injectors[injectors.length - 1];
        }
    }
}
