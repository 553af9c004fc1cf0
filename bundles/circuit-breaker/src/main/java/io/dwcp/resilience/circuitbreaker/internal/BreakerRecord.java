package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.kit.StateCodec;
import java.io.IOException;
import java.util.Map;

/**
 * A breaker's state as kept in the {@link io.dwcp.resilience.api.state.StateStore}: the kit's
 * {@link StateCodec} text, so an operator can read it and another provider can parse it.
 *
 * <p>The open period is kept as a wall-clock deadline: {@code nanoTime} has no meaning across a
 * restart, and a deadline needs no rewrite while time passes, so a record is written only when the
 * state changes. On restore the time left is bounded by the period's length, so a wall clock set
 * back cannot keep a breaker open longer than it was opened for.
 *
 * @param operation          the operation
 * @param state              the state
 * @param cause              what put it there
 * @param openUntilMillis    OPEN: wall-clock end of the open period; 0 otherwise
 * @param openDurationMillis OPEN: length of the open period; 0 otherwise
 * @param consecutiveTrips   trips since last CLOSED (open-time backoff)
 * @param savedAtMillis      wall-clock time of the change
 */
public record BreakerRecord(String operation, CircuitBreakerState state, BreakerState.Cause cause, long openUntilMillis,
        long openDurationMillis, int consecutiveTrips, long savedAtMillis) {

    /** The version of the record's fields in the {@link StateCodec} envelope. */
    static final int VERSION = 1;

    /** @return the record in the one format of saved state */
    public byte[] toBytes() {
        return StateCodec.encode(CircuitBreakerStage.KIND, VERSION, Map.of("operation", operation,
                "state", state.name(), "cause", cause.name(), "openUntilMillis", Long.toString(openUntilMillis),
                "openDurationMillis", Long.toString(openDurationMillis),
                "consecutiveTrips", Integer.toString(consecutiveTrips), "savedAtMillis", Long.toString(savedAtMillis)));
    }

    /**
     * @param bytes a record as {@link #toBytes()} wrote it
     * @return the record
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static BreakerRecord parse(byte[] bytes) {
        Map<String, String> p;
        try {
            p = StateCodec.decode(CircuitBreakerStage.KIND, VERSION, bytes);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable circuit-breaker record: " + e.getMessage(), e);
        }
        try {
            BreakerRecord r = new BreakerRecord(required(p, "operation"),
                    CircuitBreakerState.valueOf(required(p, "state")),
                    BreakerState.Cause.valueOf(required(p, "cause")),
                    Long.parseLong(required(p, "openUntilMillis")),
                    Long.parseLong(required(p, "openDurationMillis")),
                    Integer.parseInt(required(p, "consecutiveTrips")),
                    Long.parseLong(required(p, "savedAtMillis")));
            if (r.openDurationMillis < 0 || r.consecutiveTrips < 0) {
                throw new IllegalArgumentException("negative duration or trip count in circuit-breaker record");
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid circuit-breaker record: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v.trim();
    }
}
