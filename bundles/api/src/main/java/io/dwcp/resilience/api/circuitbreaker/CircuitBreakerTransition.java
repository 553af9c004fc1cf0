package io.dwcp.resilience.api.circuitbreaker;

import java.util.Objects;

/**
 * One change of a circuit breaker's state, as listeners and EventAdmin events report it.
 *
 * @param operation       the operation whose breaker changed
 * @param from            the state before
 * @param to              the state after (equal to {@code from} when an operator re-applies a state,
 *                        e.g. opens an open breaker for a new duration)
 * @param reason          why, in words an operator understands (e.g. {@code 5 consecutive failures})
 * @param manual          whether an operator or a configuration caused it rather than the calls
 * @param timestampMillis wall-clock time of the change
 * @param openUntilMillis for {@link CircuitBreakerState#OPEN}: wall-clock time the open period ends;
 *                        0 otherwise
 */
public record CircuitBreakerTransition(String operation, CircuitBreakerState from, CircuitBreakerState to,
        String reason, boolean manual, long timestampMillis, long openUntilMillis) {

    /** Checks that no field is null. */
    public CircuitBreakerTransition {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return operation + ": " + from + " -> " + to + " (" + reason + (manual ? ", manual" : "") + ")";
    }
}
