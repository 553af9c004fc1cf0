package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Computes degradation levels: one per component and the overall one (the worst).
 *
 * <p>Components and their signals:
 * <ul>
 *   <li>an operation ({@code send}, ...): the automatic table over its rolling window of error rate
 *       and latency, learnt from every call ({@link #onCall}, lock-free) and judged on every
 *       {@link #tick()};</li>
 *   <li>{@code health/<check>}: the check's status, mapped by the settings;</li>
 *   <li>{@code slo/<budget>}: an error budget exhausted or not;</li>
 *   <li>any other name: only an operator's override.</li>
 * </ul>
 * Each component's signal goes through its own {@link Hysteresis}; an override, while it lasts,
 * replaces the result at once. Level changes go to the sink in order, under the engine's lock (the
 * sink only hands them off).
 *
 * <p>No OSGi here: the degradation manager component wires it up.
 */
final class DegradationEngine {

    /** Operations tracked at most, so that arbitrary operation names cannot grow memory without bound. */
    static final int MAX_OPERATIONS = 64;

    /** Component name prefix of health checks. */
    static final String HEALTH_PREFIX = "health/";

    /** Component name prefix of error budgets. */
    static final String BUDGET_PREFIX = "slo/";

    private final TimeSource clock;
    private final Consumer<LevelChange> sink;
    private volatile DegradationSettings settings;
    private final ConcurrentHashMap<String, OperationSignals> signals = new ConcurrentHashMap<>();
    /** Moves after {@link #update} replaced the signals: a {@link Caller} then finds them again. */
    private volatile long generation;

    // guarded by this
    private final Map<String, ComponentState> components = new TreeMap<>();
    private Override overallOverride;
    private DegradationLevel overallEffective = DegradationLevel.NORMAL;
    private String overallReason = "all components NORMAL";
    private long overallSinceMillis;

    // published for lock-free reads
    private volatile DegradationLevel overall = DegradationLevel.NORMAL;
    private volatile Map<String, DegradationLevel> levels = Map.of();

    DegradationEngine(TimeSource clock, DegradationSettings settings, Consumer<LevelChange> sink) {
        this.clock = clock;
        this.settings = settings;
        this.sink = sink;
        this.overallSinceMillis = clock.currentTimeMillis();
    }

    DegradationSettings settings() {
        return settings;
    }

    /**
     * Applies new settings: operation windows start afresh (their thresholds may have changed), health
     * and budget components are mapped again.
     *
     * @param next the new settings
     */
    synchronized void update(DegradationSettings next) {
        settings = next;
        signals.replaceAll((op, old) -> newSignals(op, next));
        generation++; // after the replacement: a caller that sees it finds the new signals
        long now = clock.nanoTime();
        for (ComponentState c : components.values()) {
            if (c.kind != Kind.OPERATION) {
                c.signal = c.mappedLevel(next);
                observe(c, now);
            }
        }
        settle(now);
    }

    // ---- call path ----------------------------------------------------------------------------

    /**
     * Learns one call: lock-free, and allocation-free once the operation is known.
     *
     * @param operation    the operation
     * @param outcome      how it ended
     * @param latencyNanos how long it took
     */
    void onCall(String operation, CallOutcome outcome, long latencyNanos) {
        OperationSignals s = signalsOf(operation);
        if (s != null) {
            s.record(outcome, latencyNanos);
        }
    }

    /** @return the operation's signals, made on first use; {@code null} when {@link #MAX_OPERATIONS} are tracked */
    private OperationSignals signalsOf(String operation) {
        OperationSignals s = signals.get(operation);
        if (s == null) {
            if (signals.size() >= MAX_OPERATIONS) {
                return null;
            }
            DegradationSettings current = settings;
            s = signals.computeIfAbsent(operation, op -> newSignals(op, current));
        }
        return s;
    }

    /**
     * @param operation the operation of the calling thread's calls
     * @return where the calling thread records that operation's calls, and only that thread
     */
    Caller caller(String operation) {
        return new Caller(operation);
    }

    /**
     * One calling thread's recorder for one operation: its own counters in the operation's signals,
     * found once and again only after {@link #update} replaced the signals (one volatile read per call
     * instead of a map look-up; issue 15).
     */
    final class Caller {
        private final String operation;
        private long boundTo = -1;
        private OperationSignals signals;
        private long[] cell;

        private Caller(String operation) {
            this.operation = operation;
        }

        /** Learns one call; on the call path, on the thread that asked for this caller. */
        void record(CallOutcome outcome, long latencyNanos) {
            long g = generation;
            if (g != boundTo) {
                signals = signalsOf(operation); // read after the generation: never older than it
                cell = signals == null ? null : signals.cell();
                boundTo = g;
            }
            if (cell != null) {
                signals.record(cell, outcome, latencyNanos);
            }
        }
    }

    private static OperationSignals newSignals(String operation, DegradationSettings s) {
        return new OperationSignals(operation, s.thresholdsOf(operation), s.table(), s.windowSlots());
    }

    /** @return the overall level; a volatile read */
    DegradationLevel level() {
        return overall;
    }

    /**
     * @param component a component, or {@code *}
     * @return its level, NORMAL when unknown
     */
    DegradationLevel level(String component) {
        if (DegradationManager.OVERALL.equals(component)) {
            return overall;
        }
        DegradationLevel level = levels.get(component);
        return level == null ? DegradationLevel.NORMAL : level;
    }

    /**
     * @param feature a feature
     * @return whether it is on at the overall level
     */
    boolean isFeatureEnabled(String feature) {
        return settings.features().enabled(feature, overall);
    }

    /** @return the configured features on at the overall level */
    Set<String> enabledFeatures() {
        return settings.features().enabledAt(overall);
    }

    // ---- signals ------------------------------------------------------------------------------

    /** Judges every operation's window, expires overrides and lets held levels step down. */
    synchronized void tick() {
        long now = clock.nanoTime();
        expireOverrides(now);
        DegradationSettings s = settings;
        for (OperationSignals os : signals.values()) {
            WindowFigures window = os.roll();
            SignalEvaluator.Verdict verdict = SignalEvaluator.evaluate(window, os, s.table(), s.minCalls(),
                    s.latencyPercentile());
            ComponentState c = component(os.operation(), Kind.OPERATION);
            c.signal = verdict.level();
            c.signalReason = verdict.reason();
            c.window = window;
        }
        for (ComponentState c : components.values()) {
            observe(c, now);
        }
        settle(now);
    }

    /**
     * A health check's status changed.
     *
     * @param check  the check
     * @param status its status now
     * @param reason what it found
     */
    synchronized void health(String check, HealthStatus status, String reason) {
        ComponentState c = component(HEALTH_PREFIX + check, Kind.HEALTH);
        c.healthStatus = status;
        c.signal = c.mappedLevel(settings);
        c.signalReason = "health check '" + check + "' is " + status + ": " + reason;
        long now = clock.nanoTime();
        observe(c, now);
        settle(now);
    }

    /**
     * An error budget ran out or recovered.
     *
     * @param budget    the budget's name, e.g. {@code send}
     * @param exhausted whether it is exhausted now
     * @param reason    what the SLO bundle said
     */
    synchronized void budget(String budget, boolean exhausted, String reason) {
        ComponentState c = component(BUDGET_PREFIX + budget, Kind.BUDGET);
        c.budgetExhausted = exhausted;
        c.signal = c.mappedLevel(settings);
        c.signalReason = "error budget '" + budget + "' " + (exhausted ? "exhausted" : "recovered") + (reason.isEmpty() ? "" : ": " + reason);
        long now = clock.nanoTime();
        observe(c, now);
        settle(now);
    }

    /**
     * Forces a component, or the overall level, for a while.
     *
     * @param component     the component, or {@code *}
     * @param level         the level
     * @param durationNanos how long, positive
     * @param reason        why
     */
    synchronized void override(String component, DegradationLevel level, long durationNanos, String reason) {
        if (component == null || component.isBlank() || component.length() > 128) {
            throw new IllegalArgumentException("invalid component '" + component + "': expected 1-128 characters");
        }
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("an override lasts a positive time, not " + durationNanos + " ns");
        }
        long now = clock.nanoTime();
        long expiresNanos = now + durationNanos < now ? Long.MAX_VALUE : now + durationNanos;
        Override o = new Override(level, expiresNanos, clock.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(durationNanos),
                reason == null || reason.isBlank() ? "operator override" : reason);
        if (DegradationManager.OVERALL.equals(component)) {
            overallOverride = o;
        } else {
            component(component, Kind.MANUAL).override = o;
        }
        settle(now);
    }

    /**
     * @param component the component, or {@code *}
     * @return whether an override was removed
     */
    synchronized boolean clearOverride(String component) {
        boolean had;
        if (DegradationManager.OVERALL.equals(component)) {
            had = overallOverride != null;
            overallOverride = null;
        } else {
            ComponentState c = components.get(component);
            had = c != null && c.override != null;
            if (had) {
                c.override = null;
            }
        }
        if (had) {
            settle(clock.nanoTime());
        }
        return had;
    }

    /** @return the overrides in force, for keeping across restarts */
    synchronized List<OverrideRecord> overrides() {
        List<OverrideRecord> records = new ArrayList<>();
        if (overallOverride != null) {
            records.add(overallOverride.record(DegradationManager.OVERALL));
        }
        for (ComponentState c : components.values()) {
            if (c.override != null) {
                records.add(c.override.record(c.name));
            }
        }
        return records;
    }

    /**
     * Puts back overrides kept across a restart; the expired ones are dropped, those a new override
     * already replaced are left alone.
     *
     * @param records the kept overrides
     * @return how many were restored
     */
    synchronized int restore(List<OverrideRecord> records) {
        int restored = 0;
        for (OverrideRecord r : records) {
            long remainingMillis = r.expiresMillis() - clock.currentTimeMillis();
            boolean present = DegradationManager.OVERALL.equals(r.component()) ? overallOverride != null
                    : components.containsKey(r.component()) && components.get(r.component()).override != null;
            if (remainingMillis > 0 && !present) {
                override(r.component(), r.level(), TimeUnit.MILLISECONDS.toNanos(remainingMillis), r.reason());
                restored++;
            }
        }
        return restored;
    }

    // ---- reports ------------------------------------------------------------------------------

    /** @return the overall level first, then every component by name */
    synchronized List<ComponentLevel> components() {
        List<ComponentLevel> list = new ArrayList<>(components.size() + 1);
        DegradationLevel overallComputed = computedOverall().level;
        list.add(new ComponentLevel(DegradationManager.OVERALL, overallEffective, overallComputed, overallReason,
                overallSinceMillis, overallOverride != null, overallOverride == null ? 0 : overallOverride.expiresMillis));
        for (ComponentState c : components.values()) {
            list.add(new ComponentLevel(c.name, c.effective, c.hysteresis.level(), c.reason, c.sinceMillis, c.override != null,
                    c.override == null ? 0 : c.override.expiresMillis));
        }
        return list;
    }

    /**
     * @param operation an operation
     * @return its last window, if it has had one
     */
    synchronized Optional<WindowFigures> window(String operation) {
        ComponentState c = components.get(operation);
        return c == null || c.window == null ? Optional.empty() : Optional.of(c.window);
    }

    // ---- the machinery (under the lock) -------------------------------------------------------

    private ComponentState component(String name, Kind kind) {
        ComponentState c = components.get(name);
        if (c == null) {
            c = new ComponentState(name, kind, clock.currentTimeMillis());
            components.put(name, c);
        } else if (c.kind == Kind.MANUAL && kind != Kind.MANUAL) {
            c.kind = kind;
        }
        return c;
    }

    private void observe(ComponentState c, long now) {
        DegradationLevel level = c.hysteresis.observe(c.signal, now, settings.holdNanos());
        if (c.signal == level) {
            c.computedReason = c.signalReason;
        } else {
            c.computedReason = "held at " + level + " until the signal stays lower for the recovery hold; now " + c.signal
                    + ": " + c.signalReason;
        }
    }

    private void expireOverrides(long now) {
        if (overallOverride != null && now >= overallOverride.expiresNanos) {
            overallOverride = null;
        }
        for (ComponentState c : components.values()) {
            if (c.override != null && now >= c.override.expiresNanos) {
                c.override = null;
            }
        }
    }

    private void settle(long nowNanos) {
        long nowMillis = clock.currentTimeMillis();
        Map<String, DegradationLevel> published = new HashMap<>();
        for (ComponentState c : components.values()) {
            DegradationLevel effective;
            String reason;
            if (c.override != null) {
                effective = c.override.level;
                reason = "override until " + java.time.Instant.ofEpochMilli(c.override.expiresMillis) + ": " + c.override.reason;
            } else {
                effective = c.hysteresis.level();
                reason = c.computedReason;
            }
            if (effective != c.effective) {
                sink.accept(new LevelChange(c.name, c.effective, effective, reason, nowMillis));
                c.effective = effective;
                c.sinceMillis = nowMillis;
            }
            c.reason = reason;
            published.put(c.name, effective);
        }
        Computed computed = computedOverall();
        DegradationLevel effective = overallOverride != null ? overallOverride.level : computed.level;
        String reason = overallOverride != null
                ? "override until " + java.time.Instant.ofEpochMilli(overallOverride.expiresMillis) + ": " + overallOverride.reason
                : computed.reason;
        if (effective != overallEffective) {
            sink.accept(new LevelChange(DegradationManager.OVERALL, overallEffective, effective, reason, nowMillis));
            overallEffective = effective;
            overallSinceMillis = nowMillis;
        }
        overallReason = reason;
        levels = Map.copyOf(published);
        overall = effective;
    }

    private Computed computedOverall() {
        ComponentState worst = null;
        for (ComponentState c : components.values()) {
            if (worst == null || c.effective.isWorseThan(worst.effective)) {
                worst = c;
            }
        }
        if (worst == null || worst.effective == DegradationLevel.NORMAL) {
            return new Computed(DegradationLevel.NORMAL, "all components NORMAL");
        }
        return new Computed(worst.effective, "worst component " + worst.name + " at " + worst.effective + ": " + worst.reason);
    }

    private record Computed(DegradationLevel level, String reason) {
    }

    private enum Kind {
        OPERATION, HEALTH, BUDGET, MANUAL
    }

    private record Override(DegradationLevel level, long expiresNanos, long expiresMillis, String reason) {
        OverrideRecord record(String component) {
            return new OverrideRecord(component, level, expiresMillis, reason);
        }
    }

    /** One component's signal, hysteresis, override and published level. */
    private static final class ComponentState {
        final String name;
        Kind kind;
        final Hysteresis hysteresis = new Hysteresis();
        DegradationLevel signal = DegradationLevel.NORMAL;
        String signalReason = "no signal yet";
        String computedReason = "no signal yet";
        HealthStatus healthStatus = HealthStatus.UNKNOWN;
        boolean budgetExhausted;
        WindowFigures window;
        Override override;
        DegradationLevel effective = DegradationLevel.NORMAL;
        String reason = "no signal yet";
        long sinceMillis;

        ComponentState(String name, Kind kind, long sinceMillis) {
            this.name = name;
            this.kind = kind;
            this.sinceMillis = sinceMillis;
        }

        DegradationLevel mappedLevel(DegradationSettings s) {
            switch (kind) {
                case HEALTH:
                    return healthStatus == HealthStatus.UNHEALTHY ? s.healthUnhealthyLevel()
                            : healthStatus == HealthStatus.DEGRADED ? s.healthDegradedLevel() : DegradationLevel.NORMAL;
                case BUDGET:
                    return budgetExhausted ? s.budgetExhaustedLevel() : DegradationLevel.NORMAL;
                case OPERATION:
                    return signal;
                default:
                    return DegradationLevel.NORMAL;
            }
        }
    }
}
