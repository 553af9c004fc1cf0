package io.dwcp.resilience.api;

import java.util.Optional;

/**
 * The built-in kinds of stage and their place in a chain: the declaration order of this enum is the
 * canonical order, outermost first. This is the one place that order is written down. A kind
 * beyond these seven (a fallback, a hedge, a third party's) states its slot relative to them with
 * a {@link StagePosition}.
 *
 * <p>Why this order: chaos is outermost so that it decides once per logical call whether to
 * inject a fault (and audits that decision) before any protection has acted; the fault itself takes
 * effect innermost, as the operation's own, through {@link Invocation#interceptOperation}, so that
 * every protection meets it (the bulkhead and breaker record it, retry may retry it, the timeout
 * bounds it). Load shedding and rate limiting reject cheaply before a call holds a bulkhead
 * permit; the circuit breaker sits outside retry so that it judges one outcome per logical call and an open breaker
 * stops all retries at once; the timeout is innermost so that it bounds each attempt.
 */
public enum StageKind {
    /** Chaos engineering: injects faults; off by default. */
    CHAOS("chaos"),
    /** Load shedding by degradation level and operation priority. */
    LOAD_SHED("load-shed"),
    /** Rate limiting: token bucket or adaptive. */
    RATE_LIMIT("rate-limit"),
    /** Bulkhead: semaphore, queue or thread pool. */
    BULKHEAD("bulkhead"),
    /** Circuit breaker. */
    CIRCUIT_BREAKER("circuit-breaker"),
    /** Retry with backoff. */
    RETRY("retry"),
    /** Timeout, fixed or adaptive, as a deadline on the invocation. */
    TIMEOUT("timeout");

    private static final StageKind[] VALUES = values();

    private final String id;

    StageKind(String id) {
        this.id = id;
    }

    /** @return the value of the {@link Stage#KIND} service property for this kind */
    public String id() {
        return id;
    }

    /**
     * @param id a {@link Stage#KIND} value
     * @return the kind with that id, or empty for an unknown id
     */
    public static Optional<StageKind> fromId(String id) {
        for (StageKind kind : VALUES) {
            if (kind.id.equals(id)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
