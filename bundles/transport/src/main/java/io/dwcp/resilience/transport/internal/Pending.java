package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.TransportException;
import io.dwcp.resilience.api.transport.TransportException.Kind;
import java.util.concurrent.CompletableFuture;

/** A DATA frame sent to one peer and not acknowledged yet. */
final class Pending {

    /** Not written to any stream (none was up); written when one comes up. */
    static final int UNASSIGNED = -1;

    final Frame frame;
    final CompletableFuture<Void> acked = new CompletableFuture<>();
    volatile long deadlineNanos;
    /** The stream it was last written on, or {@link #UNASSIGNED}. */
    volatile int stream = UNASSIGNED;
    /** Whether it was ever written to a socket. */
    volatile boolean written;

    Pending(Frame frame, long deadlineNanos) {
        this.frame = frame;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Why it failed at its deadline, from what happened to this message itself: written and not
     * acknowledged (TIMEOUT), or never written because no stream was up (NOT_CONNECTED). The one
     * place that decides, for the sender that stopped waiting and for the sweeper alike.
     *
     * @param lastError the peer's last connection error, for NOT_CONNECTED ("" when none)
     */
    TransportException timedOut(String operation, String peer, String lastError) {
        return written
                ? new TransportException(operation, peer, Kind.TIMEOUT,
                        "no acknowledgement before the deadline (the peer may be slow or its inbound queue full)", null)
                : new TransportException(operation, peer, Kind.NOT_CONNECTED,
                        "no connection to the peer came up before the deadline" + (lastError.isEmpty() ? "" : " (" + lastError + ")"), null);
    }
}
