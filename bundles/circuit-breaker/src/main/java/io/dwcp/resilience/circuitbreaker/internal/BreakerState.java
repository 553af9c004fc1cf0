package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One episode of a breaker in one state: immutable except for the counters of that episode. A new
 * object is made on every transition, so "the state a call was admitted in" is just a reference
 * the call keeps, and an outcome that arrives after its episode ended cannot disturb the next one
 * (a slow call admitted while CLOSED does not count as a probe of a later HALF_OPEN).
 */
public final class BreakerState {

    /** How a breaker came to be in its state; decides what configuration may undo on restore. */
    public enum Cause { CALLS, MANUAL, CONFIGURATION }

    final CircuitBreakerState kind;
    final Cause cause;
    /** When the episode began (clock nanoseconds). */
    final long enteredNanos;
    /** OPEN: when it may go HALF_OPEN. */
    final long openUntilNanos;
    /** OPEN: the length of this open period (for the persisted record's sanity bound). */
    final long openDurationNanos;
    /** Trips since the breaker was last CLOSED: drives the open-time backoff. */
    final int consecutiveTrips;
    /** CLOSED, METRICS_ONLY: the outcomes measured in this episode; null otherwise. */
    final SlidingWindow window;
    /** CLOSED, METRICS_ONLY: failures in a row in this episode. */
    final AtomicInteger consecutiveFailures;
    /** HALF_OPEN: the number of probes this episode admits. */
    final int probes;
    /** HALF_OPEN: probe permits not yet handed out. */
    final AtomicInteger probePermits;
    /** HALF_OPEN: probes that ended without a failure. */
    final AtomicInteger probesPassed;

    private BreakerState(CircuitBreakerState kind, Cause cause, long enteredNanos, long openUntilNanos,
            long openDurationNanos, int consecutiveTrips, SlidingWindow window, int probes) {
        this.kind = kind;
        this.cause = cause;
        this.enteredNanos = enteredNanos;
        this.openUntilNanos = openUntilNanos;
        this.openDurationNanos = openDurationNanos;
        this.consecutiveTrips = consecutiveTrips;
        this.window = window;
        this.consecutiveFailures = window == null ? null : new AtomicInteger();
        this.probes = probes;
        this.probePermits = probes == 0 ? null : new AtomicInteger(probes);
        this.probesPassed = probes == 0 ? null : new AtomicInteger();
    }

    static BreakerState closed(Cause cause, long nowNanos, CircuitBreakerSettings settings) {
        return new BreakerState(CircuitBreakerState.CLOSED, cause, nowNanos, 0, 0, 0, newWindow(settings), 0);
    }

    static BreakerState open(Cause cause, long nowNanos, long durationNanos, int consecutiveTrips) {
        return openUntil(cause, nowNanos, nowNanos + durationNanos, durationNanos, consecutiveTrips);
    }

    /** An open period that ends at {@code untilNanos}: a restored one may have less left than its length. */
    static BreakerState openUntil(Cause cause, long nowNanos, long untilNanos, long durationNanos,
            int consecutiveTrips) {
        return new BreakerState(CircuitBreakerState.OPEN, cause, nowNanos, untilNanos, durationNanos,
                consecutiveTrips, null, 0);
    }

    static BreakerState halfOpen(Cause cause, long nowNanos, int consecutiveTrips, CircuitBreakerSettings settings) {
        return new BreakerState(CircuitBreakerState.HALF_OPEN, cause, nowNanos, 0, 0, consecutiveTrips, null,
                settings.halfOpenProbes());
    }

    static BreakerState manualOnly(CircuitBreakerState kind, Cause cause, long nowNanos,
            CircuitBreakerSettings settings) {
        if (!kind.isManualOnly()) {
            throw new IllegalArgumentException(kind + " is not a manual-only state");
        }
        SlidingWindow window = kind == CircuitBreakerState.METRICS_ONLY ? newWindow(settings) : null;
        return new BreakerState(kind, cause, nowNanos, 0, 0, 0, window, 0);
    }

    /** @return the same episode's kind and history with an empty window of the settings' shape */
    BreakerState withFreshWindow(CircuitBreakerSettings settings) {
        BreakerState fresh = new BreakerState(kind, cause, enteredNanos, openUntilNanos, openDurationNanos,
                consecutiveTrips, newWindow(settings), probes);
        fresh.consecutiveFailures.set(consecutiveFailures.get());
        return fresh;
    }

    private static SlidingWindow newWindow(CircuitBreakerSettings settings) {
        return settings.windowType() == CircuitBreakerSettings.WindowType.COUNT
                ? new CountSlidingWindow(settings.windowSize())
                : new TimeSlidingWindow(settings.windowSize());
    }

    @Override
    public String toString() {
        return kind + " (" + cause + ")";
    }
}
