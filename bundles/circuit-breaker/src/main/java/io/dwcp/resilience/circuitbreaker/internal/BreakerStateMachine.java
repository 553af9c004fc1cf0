package io.dwcp.resilience.circuitbreaker.internal;

import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.CLOSED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.DISABLED;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.HALF_OPEN;
import static io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState.OPEN;

import io.dwcp.resilience.api.CallNotPermittedException;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerTransition;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.circuitbreaker.internal.BreakerState.Cause;
import io.dwcp.resilience.circuitbreaker.internal.SlidingWindow.WindowTally;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import io.dwcp.resilience.kit.StripedAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The circuit breaker of one operation: plain Java, no OSGi.
 *
 * <p>The current state is one volatile reference to an immutable {@link BreakerState} episode. A
 * call reads it once ({@link #acquire}); in CLOSED that is all admission costs. The outcome
 * ({@link #complete}) goes to lock-free counters and the episode's sliding window; the trip rules
 * are evaluated only after a failure or a slow call, because a fast success can only lower a rate.
 * No lock and no allocation on that path.
 *
 * <p>Transitions are rare and take a lock, so that they are applied and reported to the
 * {@link TransitionSink} in exactly the order they happen; a transition names the episode it
 * leaves and does nothing when another thread has left it first.
 *
 * <p>Automatic transitions are CLOSED→OPEN (a trip rule fired), OPEN→HALF_OPEN (the open time
 * passed; checked lazily by the next call), HALF_OPEN→CLOSED (every probe ended without failure)
 * and HALF_OPEN→OPEN (a probe failed or was slow, or no verdict came within the max wait). Manual
 * transitions go anywhere; DISABLED, FORCED_OPEN and METRICS_ONLY are left only manually.
 */
public final class BreakerStateMachine {

    /** Receives every transition, under the machine's lock, in order: must be quick and must not throw. */
    @FunctionalInterface
    public interface TransitionSink {
        /**
         * @param transition what changed
         * @param record     the new state as it should be kept durably
         */
        void onTransition(CircuitBreakerTransition transition, BreakerRecord record);
    }

    private final String operation;
    /** The peer of a per-peer breaker ({@code scope = peer}), else {@code ""}. */
    private final String peer;
    private final TimeSource clock;
    private final TransitionSink sink;
    private final Object transitionLock = new Object();

    private volatile CircuitBreakerSettings settings;
    private volatile BreakerState state;
    private volatile long stateChanges;

    /** Striped per thread: on every successful call (a LongAdder's one word bounced between threads). */
    private final StripedAdder successes = new StripedAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();

    /**
     * @param operation the operation this breaker protects
     * @param settings  validated settings
     * @param clock     for manual transitions, metrics and wall-clock conversions (the call path
     *                  passes its own readings)
     * @param sink      receives every transition
     * @param restored  the state kept from a previous run, or {@code null} to start CLOSED
     */
    public BreakerStateMachine(String operation, CircuitBreakerSettings settings, TimeSource clock,
            TransitionSink sink, BreakerRecord restored) {
        this(operation, "", settings, clock, sink, restored);
    }

    /**
     * The breaker of one peer of {@code operation} ({@code scope = peer}).
     *
     * @param peer the peer, named in rejections and metrics; {@code ""} for the whole operation
     */
    public BreakerStateMachine(String operation, String peer, CircuitBreakerSettings settings, TimeSource clock,
            TransitionSink sink, BreakerRecord restored) {
        this.operation = Objects.requireNonNull(operation, "operation");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.state = restored == null ? BreakerState.closed(Cause.CALLS, clock.nanoTime(), settings)
                : restore(restored, settings, clock.nanoTime(), clock.currentTimeMillis());
        applyMode();
    }

    private static BreakerState restore(BreakerRecord r, CircuitBreakerSettings settings, long nowNanos,
            long nowMillis) {
        switch (r.state()) {
            case OPEN: {
                long leftMillis = Math.max(0, Math.min(r.openUntilMillis() - nowMillis, r.openDurationMillis()));
                return BreakerState.openUntil(r.cause(), nowNanos, nowNanos + TimeUnit.MILLISECONDS.toNanos(leftMillis),
                        TimeUnit.MILLISECONDS.toNanos(r.openDurationMillis()), Math.max(1, r.consecutiveTrips()));
            }
            case HALF_OPEN:
                // Probes in flight died with the old provider: start a fresh probe round.
                return BreakerState.halfOpen(r.cause(), nowNanos, Math.max(1, r.consecutiveTrips()), settings);
            case CLOSED:
                return BreakerState.closed(r.cause(), nowNanos, settings);
            default:
                return BreakerState.manualOnly(r.state(), r.cause(), nowNanos, settings);
        }
    }

    /** @return the operation */
    public String operation() {
        return operation;
    }

    /** @return the peer of a per-peer breaker, else {@code ""} */
    public String peer() {
        return peer;
    }

    /** @return the current state */
    public CircuitBreakerState state() {
        return state.kind;
    }

    /** @return the settings in force */
    public CircuitBreakerSettings settings() {
        return settings;
    }

    BreakerState currentEpisode() {
        return state;
    }

    // ---------------------------------------------------------------- call path

    /**
     * Admits a call or refuses it.
     *
     * @param nowNanos the current time (the invocation's start is close enough)
     * @return the episode the call was admitted in: pass it to {@link #complete}
     * @throws CallNotPermittedException when the breaker refuses the call
     */
    public BreakerState acquire(long nowNanos) {
        BreakerState s = state;
        if (s.kind == CLOSED) {
            return s;
        }
        return acquireSlow(s, nowNanos);
    }

    private BreakerState acquireSlow(BreakerState s, long nowNanos) {
        for (;;) {
            switch (s.kind) {
                case CLOSED:
                case DISABLED:
                case METRICS_ONLY:
                    return s;
                case FORCED_OPEN:
                    throw reject(s, nowNanos);
                case OPEN:
                    if (nowNanos - s.openUntilNanos < 0) {
                        throw reject(s, nowNanos);
                    }
                    transition(s, BreakerState.halfOpen(Cause.CALLS, nowNanos, s.consecutiveTrips, settings),
                            "open time of " + format(s.openDurationNanos) + " passed", nowNanos);
                    break;
                case HALF_OPEN:
                    if (takeProbe(s)) {
                        return s;
                    }
                    long maxWait = settings.halfOpenMaxWaitNanos();
                    if (maxWait > 0 && nowNanos - s.enteredNanos >= maxWait) {
                        transition(s, reopen(s, nowNanos), "no verdict from the " + s.probes
                                + " probe call(s) within " + format(maxWait), nowNanos);
                        break;
                    }
                    throw reject(s, nowNanos);
                default:
                    throw new IllegalStateException("unknown state " + s.kind);
            }
            s = state;
        }
    }

    private static boolean takeProbe(BreakerState s) {
        for (;;) {
            int left = s.probePermits.get();
            if (left <= 0) {
                return false;
            }
            if (s.probePermits.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    /**
     * The rejection; its text is built only if someone reads it (an open breaker refuses calls at
     * their arrival rate), from the values of now.
     */
    private CallNotPermittedException reject(BreakerState s, long nowNanos) {
        rejected.increment();
        CircuitBreakerState kind = s.kind;
        long opensIn = Math.max(0, s.openUntilNanos - nowNanos);
        int probes = s.probes;
        String who = peer;
        return new CallNotPermittedException(operation, kind.name(), () -> {
            String detail;
            switch (kind) {
                case OPEN:
                    detail = "opens again to probes in " + format(opensIn);
                    break;
                case HALF_OPEN:
                    detail = "all " + probes + " probe call(s) are in flight";
                    break;
                default:
                    detail = "set by an operator";
                    break;
            }
            return who.isEmpty() ? detail : "peer " + who + ": " + detail;
        });
    }

    /**
     * Records how an admitted call ended. Reads the clock once, except in DISABLED (which measures
     * nothing).
     *
     * @param admitted    what {@link #acquire} returned for the call
     * @param failure     what the call threw, or {@code null} when it returned
     * @param time        the chain's clock
     * @param startNanos  when the call started, on that clock
     */
    public void complete(BreakerState admitted, Throwable failure, TimeSource time, long startNanos) {
        if (admitted.kind == DISABLED) {
            return;
        }
        long now = time.nanoTime();
        onResult(admitted, failure, now - startNanos, now);
    }

    /**
     * Records how an admitted call ended, at an end time the caller already has (in a chain the
     * manager's {@link io.dwcp.resilience.api.Invocation#operationEndNanos()}): no clock read.
     *
     * @param admitted    what {@link #acquire} returned for the call
     * @param failure     what the call threw, or {@code null} when it returned
     * @param startNanos  when the call started
     * @param endNanos    when it ended, on the same clock
     */
    public void completeAt(BreakerState admitted, Throwable failure, long startNanos, long endNanos) {
        if (admitted.kind == DISABLED) {
            return;
        }
        onResult(admitted, failure, endNanos - startNanos, endNanos);
    }

    /**
     * Records how an admitted call ended, with the duration already known.
     *
     * @param admitted       what {@link #acquire} returned for the call
     * @param failure        what the call threw, or {@code null} when it returned
     * @param durationNanos  how long it took
     * @param nowNanos       when it ended
     */
    void onResult(BreakerState admitted, Throwable failure, long durationNanos, long nowNanos) {
        if (admitted.kind == DISABLED) {
            return;
        }
        CircuitBreakerSettings s = settings;
        int verdict = s.exceptions().classify(failure);
        if (verdict == ExceptionClassifier.IGNORED) {
            ignored.increment();
            if (admitted.kind == HALF_OPEN) {
                probeEnded(admitted, nowNanos);
            }
            return;
        }
        boolean failed = verdict == ExceptionClassifier.FAILURE;
        boolean slow = durationNanos >= s.slowCallDurationNanos();
        if (failed) {
            failures.increment();
        } else {
            successes.increment();
        }
        if (slow) {
            slowCalls.increment();
        }
        if (admitted != state) {
            return; // its episode ended while it ran: it counts, but decides nothing
        }
        SlidingWindow window = admitted.window;
        if (window != null) {
            window.record(nowNanos, failed, slow);
            int streak = 0;
            if (failed) {
                streak = admitted.consecutiveFailures.incrementAndGet();
            } else if (admitted.consecutiveFailures.get() != 0) {
                admitted.consecutiveFailures.set(0);
            }
            if ((failed || slow) && admitted.kind == CLOSED) {
                evaluateTrip(admitted, s, failed, streak, nowNanos);
            }
        } else if (admitted.kind == HALF_OPEN) {
            if (failed) {
                transition(admitted, reopen(admitted, nowNanos), "a probe call failed", nowNanos);
            } else if (slow && s.slowCallRateThreshold() > 0.0) {
                transition(admitted, reopen(admitted, nowNanos), "a probe call was slow ("
                        + format(durationNanos) + " >= " + format(s.slowCallDurationNanos()) + ")", nowNanos);
            } else {
                probeEnded(admitted, nowNanos);
            }
        }
    }

    private void evaluateTrip(BreakerState closed, CircuitBreakerSettings s, boolean failed, int streak,
            long nowNanos) {
        String reason = null;
        if (failed && s.consecutiveFailureThreshold() > 0 && streak >= s.consecutiveFailureThreshold()) {
            reason = streak + " consecutive failures";
        } else if (s.rateRulesEnabled()) {
            WindowTally t = closed.window.tally(nowNanos);
            if (t.calls() >= s.minimumCalls()) {
                if (s.failureRateThreshold() > 0.0 && t.failureRate() >= s.failureRateThreshold()) {
                    reason = String.format(Locale.ROOT, "failure rate %.1f%% >= %.1f%% over %d calls in the %s",
                            t.failureRate(), s.failureRateThreshold(), t.calls(), closed.window);
                } else if (s.slowCallRateThreshold() > 0.0 && t.slowCallRate() >= s.slowCallRateThreshold()) {
                    reason = String.format(Locale.ROOT,
                            "slow-call rate %.1f%% >= %.1f%% (calls >= %s) over %d calls in the %s",
                            t.slowCallRate(), s.slowCallRateThreshold(), format(s.slowCallDurationNanos()),
                            t.calls(), closed.window);
                }
            }
        }
        if (reason != null) {
            transition(closed, BreakerState.open(Cause.CALLS, nowNanos, s.openDurationNanos(1), 1), reason,
                    nowNanos);
        }
    }

    private void probeEnded(BreakerState halfOpen, long nowNanos) {
        if (halfOpen.probesPassed.incrementAndGet() == halfOpen.probes) {
            transition(halfOpen, BreakerState.closed(Cause.CALLS, nowNanos, settings),
                    "all " + halfOpen.probes + " probe call(s) ended without failure", nowNanos);
        }
    }

    private BreakerState reopen(BreakerState halfOpen, long nowNanos) {
        int trips = halfOpen.consecutiveTrips + 1;
        return BreakerState.open(Cause.CALLS, nowNanos, settings.openDurationNanos(trips), trips);
    }

    // ---------------------------------------------------------------- transitions

    private boolean transition(BreakerState expected, BreakerState next, String reason, long nowNanos) {
        synchronized (transitionLock) {
            if (state != expected) {
                return false;
            }
            apply(next, reason, nowNanos);
            return true;
        }
    }

    /** Must hold {@link #transitionLock}. */
    private void apply(BreakerState next, String reason, long nowNanos) {
        BreakerState from = state;
        state = next;
        stateChanges = stateChanges + 1;
        long nowMillis = clock.currentTimeMillis();
        long openUntilMillis = 0;
        long openDurationMillis = 0;
        if (next.kind == OPEN) {
            openUntilMillis = nowMillis + ceilMillis(next.openUntilNanos - nowNanos);
            openDurationMillis = ceilMillis(next.openDurationNanos);
        }
        boolean manual = next.cause != Cause.CALLS;
        sink.onTransition(
                new CircuitBreakerTransition(operation, from.kind, next.kind, reason, manual, nowMillis, openUntilMillis),
                new BreakerRecord(operation, next.kind, next.cause, openUntilMillis, openDurationMillis,
                        next.consecutiveTrips, nowMillis));
    }

    /**
     * Moves to {@code target} whatever the current state (an operator's or a configuration's order).
     *
     * @param target the state
     * @param cause  {@link Cause#MANUAL} or {@link Cause#CONFIGURATION}
     * @param reason why, for the transition report
     */
    void transitionTo(CircuitBreakerState target, Cause cause, String reason) {
        synchronized (transitionLock) {
            long now = clock.nanoTime();
            CircuitBreakerSettings s = settings;
            BreakerState current = state;
            BreakerState next;
            switch (target) {
                case CLOSED:
                    next = BreakerState.closed(cause, now, s);
                    break;
                case OPEN:
                    int trips = Math.max(1, current.consecutiveTrips);
                    next = BreakerState.open(cause, now, s.openDurationNanos(trips), trips);
                    break;
                case HALF_OPEN:
                    next = BreakerState.halfOpen(cause, now, Math.max(1, current.consecutiveTrips), s);
                    break;
                default:
                    next = BreakerState.manualOnly(target, cause, now, s);
                    break;
            }
            apply(next, reason, now);
        }
    }

    /**
     * Moves to {@code target} on an operator's order.
     *
     * @param target the state
     */
    public void transitionTo(CircuitBreakerState target) {
        transitionTo(target, Cause.MANUAL, "operator: transition to " + target);
    }

    /**
     * Opens for {@code duration} on an operator's order, then goes HALF_OPEN as after a trip.
     *
     * @param duration positive
     */
    public void openFor(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("open duration must be positive: " + duration);
        }
        long nanos = duration.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : duration.toNanos();
        synchronized (transitionLock) {
            long now = clock.nanoTime();
            int trips = Math.max(1, state.consecutiveTrips);
            apply(BreakerState.open(Cause.MANUAL, now, nanos, trips), "operator: open for " + format(nanos), now);
        }
    }

    /** Closes with fresh measurements and no trip history, on an operator's order. */
    public void reset() {
        transitionTo(CLOSED, Cause.MANUAL, "operator: reset");
    }

    /**
     * Puts new settings in force. The state stays; thresholds apply from the next outcome; a window
     * of another shape starts empty (that is not a transition). Then the configured mode is applied.
     *
     * @param next validated settings for the same operation
     */
    public void reconfigure(CircuitBreakerSettings next) {
        synchronized (transitionLock) {
            CircuitBreakerSettings old = settings;
            settings = next;
            BreakerState s = state;
            if (s.window != null && old.windowShapeDiffers(next)) {
                state = s.withFreshWindow(next);
            }
            applyMode();
        }
    }

    /**
     * Applies the configuration's mode: a forced manual-only state is entered; when the mode goes
     * back to NORMAL, a manual-only state that configuration (not an operator) set is left for CLOSED.
     */
    private void applyMode() {
        synchronized (transitionLock) {
            CircuitBreakerSettings.Mode mode = settings.mode();
            BreakerState s = state;
            if (mode != CircuitBreakerSettings.Mode.NORMAL) {
                CircuitBreakerState target = CircuitBreakerState.valueOf(mode.name());
                if (s.kind != target) {
                    transitionTo(target, Cause.CONFIGURATION, "configuration: mode=" + mode);
                }
            } else if (s.kind.isManualOnly() && s.cause == Cause.CONFIGURATION) {
                transitionTo(CLOSED, Cause.CONFIGURATION, "configuration: mode=NORMAL");
            }
        }
    }

    // ---------------------------------------------------------------- metrics

    /**
     * @return the figures of this breaker now. Rates are fractions (0..1); {@code failureRate} and
     *         {@code slowCallRate} are over the current window and NaN in states without one.
     */
    public MetricsSnapshot metrics() {
        long now = clock.nanoTime();
        BreakerState s = state;
        long succ = successes.sum();
        long fail = failures.sum();
        long ign = ignored.sum();
        long rej = rejected.sum();
        Map<String, Number> v = new LinkedHashMap<>();
        v.put("state", s.kind.code());
        v.put("calls", succ + fail + ign + rej);
        v.put("successes", succ);
        v.put("failures", fail);
        v.put("ignored", ign);
        v.put("rejected", rej);
        v.put("slowCalls", slowCalls.sum());
        v.put("successRate", succ + fail == 0 ? 1.0 : (double) succ / (succ + fail));
        if (s.window != null) {
            WindowTally t = s.window.tally(now);
            v.put("windowCalls", t.calls());
            v.put("failureRate", t.failureRate() / 100.0);
            v.put("slowCallRate", t.slowCallRate() / 100.0);
        } else {
            v.put("windowCalls", 0L);
            v.put("failureRate", Double.NaN);
            v.put("slowCallRate", Double.NaN);
        }
        v.put("stateChanges", stateChanges);
        v.put("consecutiveFailures", s.consecutiveFailures == null ? 0 : s.consecutiveFailures.get());
        v.put("consecutiveTrips", s.consecutiveTrips);
        v.put("openRemainingMillis", s.kind == OPEN ? ceilMillis(Math.max(0, s.openUntilNanos - now)) : 0L);
        v.put("probesLeft", s.kind == HALF_OPEN ? Math.max(0, s.probePermits.get()) : 0);
        return new MetricsSnapshot(StageKind.CIRCUIT_BREAKER.id(), operation, v, clock.currentTimeMillis(), peer);
    }

    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    static String format(long nanos) {
        if (nanos >= 1_000_000_000L && nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.3f s", nanos / 1e9).replaceAll("\\.?0+ s$", " s");
        }
        return nanos / 1_000 + " us";
    }

    @Override
    public String toString() {
        return "circuit breaker " + operation + (peer.isEmpty() ? "" : " peer " + peer) + " " + state;
    }
}
