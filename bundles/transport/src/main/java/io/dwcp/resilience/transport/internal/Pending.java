package io.dwcp.resilience.transport.internal;

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
}
