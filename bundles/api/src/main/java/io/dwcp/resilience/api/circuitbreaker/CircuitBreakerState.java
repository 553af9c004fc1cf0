package io.dwcp.resilience.api.circuitbreaker;

/**
 * The states of a circuit breaker. The first three are the classic automaton; the last three are
 * set only by an operator (manually or through configuration) and never left automatically.
 */
public enum CircuitBreakerState {
    /** Calls pass; outcomes are measured and may trip the breaker. */
    CLOSED(0, true),
    /** Calls are rejected until the open time has passed. */
    OPEN(1, false),
    /** A fixed number of probe calls pass; their outcome closes or reopens the breaker. */
    HALF_OPEN(2, true),
    /** The breaker steps aside: every call passes, nothing is measured, nothing trips. */
    DISABLED(3, true),
    /** Every call is rejected until an operator changes the state. */
    FORCED_OPEN(4, false),
    /** Every call passes and is measured, but the breaker never trips. */
    METRICS_ONLY(5, true);

    private final int code;
    private final boolean permitsCalls;

    CircuitBreakerState(int code, boolean permitsCalls) {
        this.code = code;
        this.permitsCalls = permitsCalls;
    }

    /** @return a stable number for metrics exporters (0 CLOSED ... 5 METRICS_ONLY), as Resilience4j numbers them */
    public int code() {
        return code;
    }

    /** @return whether calls may pass in this state (for HALF_OPEN: some of them) */
    public boolean permitsCalls() {
        return permitsCalls;
    }

    /** @return whether only an operator sets and leaves this state (DISABLED, FORCED_OPEN, METRICS_ONLY) */
    public boolean isManualOnly() {
        return code >= 3;
    }
}
