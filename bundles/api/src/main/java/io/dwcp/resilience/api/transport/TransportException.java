package io.dwcp.resilience.api.transport;

import io.dwcp.resilience.api.ResilienceException;
import java.util.Objects;

/**
 * A DWCP operation failed on the wire. {@link #kind()} says how; the message names the operation, the
 * peer and the reason. Not a rejection: the chain's protections count it as the operation's failure,
 * and a retry stage may try again ({@link #isRetryable()} is false only where retrying cannot help).
 */
public class TransportException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /** How a transport operation failed. */
    public enum Kind {
        /** The peer is not in the configuration. Not retryable. */
        UNKNOWN_PEER(false),
        /** No stream to the peer is up. */
        NOT_CONNECTED(true),
        /** A {@link io.dwcp.resilience.api.chaos.PartitionPolicy} cuts the peer. */
        PARTITIONED(true),
        /** No acknowledgement or answer before the deadline (the peer may be slow, or back-pressuring). */
        TIMEOUT(true),
        /** The connection carrying the message closed and no other stream could take it before the deadline. */
        CONNECTION_LOST(true),
        /** The payload does not fit in {@code frame.max.bytes}. Not retryable. */
        TOO_LARGE(false),
        /** The peer's {@link SyncHandler} threw; the message carries its message. Not retryable. */
        REMOTE_FAILURE(false),
        /** A majority of the cluster did not acknowledge a quorum write in time. */
        QUORUM_NOT_REACHED(true),
        /** The transport is stopping or stopped. */
        SHUT_DOWN(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** @return whether trying again may succeed */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String peer;

    /**
     * @param operation the operation ({@code send}, {@code sync}, {@code consensus}…)
     * @param peer      the peer, or {@code *} for several
     * @param kind      how it failed
     * @param reason    details an operator understands
     * @param cause     the underlying failure, or {@code null}
     */
    public TransportException(String operation, String peer, Kind kind, String reason, Throwable cause) {
        super(operation, "peer " + Objects.requireNonNull(peer, "peer") + ": " + Objects.requireNonNull(kind, "kind").name()
                .toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + reason, cause, true);
        this.kind = kind;
        this.peer = peer;
    }

    /** @return how it failed */
    public Kind kind() {
        return kind;
    }

    /** @return the peer, {@code *} for several */
    public String peer() {
        return peer;
    }

    @Override
    public boolean isRejection() {
        return false;
    }

    @Override
    public boolean isRetryable() {
        return kind.retryable();
    }
}
