package io.dwcp.resilience.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers {@code sync} requests from peers (whiteboard: register it as a service). The handler with
 * the highest {@code service.ranking} answers (then the lowest {@code service.id}); the transport's
 * built-in handler, ranked {@link Integer#MIN_VALUE}, answers when no other is registered, with a
 * text summary of this node's state (node id, peers and their connection states, mode, queue depth).
 *
 * <p>Called on a transport worker thread, not an I/O thread: it may block briefly, but the requesting
 * peer's deadline keeps running.
 */
@ConsumerType
@FunctionalInterface
public interface SyncHandler {

    /**
     * @param sender  the requesting node's id
     * @param request the request bytes
     * @return the answer bytes, at most {@code frame.max.bytes} minus the header
     * @throws Exception any failure; its message is sent back and the requester sees a
     *                   {@link TransportException} of kind {@link TransportException.Kind#REMOTE_FAILURE}
     */
    byte[] handle(String sender, byte[] request) throws Exception;
}
