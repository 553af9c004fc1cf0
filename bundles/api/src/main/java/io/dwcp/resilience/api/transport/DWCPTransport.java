package io.dwcp.resilience.api.transport;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The raw DWCP transport: framed, acknowledged messages over TCP to the configured peers, without the
 * resilience chain. {@link DWCPManager} runs each of these operations through the chain; call this
 * service directly only to measure or test the wire alone.
 *
 * <p>Deadlines are absolute {@link System#nanoTime()} values ({@code Long.MAX_VALUE} for none, then the
 * configured {@code ack.timeout.ms} bounds the wait). Every blocking method honours its deadline and
 * thread interruption. Failures are {@link TransportException}s whose {@link TransportException#kind()}
 * says what happened.
 */
@ProviderType
public interface DWCPTransport {

    /** The configuration PID (see the package documentation for its keys). */
    String PID = "dwcp.transport";

    /** The wire protocol version this transport speaks (frame header and HELLO). */
    int PROTOCOL_VERSION = 1;

    /** @return this node's id ({@code node.id}) */
    String nodeId();

    /** @return the TCP port this node listens on, the bound one when {@code listen.port=0}; -1 when not listening */
    int localPort();

    /**
     * @return a fresh message id, unique per sending node (it survives restarts: it starts from the wall
     *         clock in microseconds), for {@link #send(String, long, byte[], long)}
     */
    long nextMessageId();

    /**
     * Sends one message and waits for the peer's acknowledgement, which the peer gives only once its
     * application has taken the message with {@link #receive} and come back for the next one (so is
     * done with it). Sending again with the same {@code messageId} (a retry) never delivers it twice:
     * the peer drops the duplicate and acknowledges it again, or refuses it when a restart left it
     * unable to tell whether it was delivered (docs/transport.md, "Delivery guarantees").
     *
     * @param peer          a configured peer's node id
     * @param messageId     from {@link #nextMessageId()}; the same on every retry of one message
     * @param payload       the bytes, at most {@code frame.max.bytes} minus the header
     * @param deadlineNanos absolute {@code System.nanoTime()} deadline
     * @throws TransportException when the message was not acknowledged (it may still have arrived: a
     *         retry with the same id is then harmless)
     * @throws InterruptedException when interrupted while waiting
     */
    void send(String peer, long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException;

    /**
     * Takes the next message from the inbound queue. Calling it again (with any deadline, zero too)
     * tells the transport that this thread is done with the message it took last: only then, or when
     * {@link #acknowledge} says so earlier, is that message acknowledged to its sender. A thread that takes a message and never comes back leaves
     * it unacknowledged: its sender sees a timeout.
     *
     * @param deadlineNanos absolute {@code System.nanoTime()} deadline
     * @return the message, or empty when none arrived before the deadline
     * @throws InterruptedException when interrupted while waiting
     */
    Optional<InboundMessage> receive(long deadlineNanos) throws InterruptedException;

    /**
     * Says the application is done with a message it took with {@link #receive}: the message is
     * acknowledged to its sender now, instead of when the thread that took it comes back to
     * {@code receive}. Any thread may call it (a worker the message was handed to, for instance); the
     * taker's next {@code receive} then acknowledges nothing more. Call it once the message's effect
     * is safe (written, applied, printed): from then on the sender's {@code send} succeeds, and a
     * resend is acknowledged without being delivered again, across a restart of this node too.
     *
     * @param message a message this node's {@code receive} returned
     * @return {@code true} when this call acknowledged it; {@code false} when it was acknowledged
     *         already (by an earlier call, or because its taker came back to {@code receive})
     * @throws IllegalArgumentException when this node did not hand that message over (never received
     *         here, or older than the {@code dedup.window} ids it remembers per sender)
     * @throws IllegalStateException when it cannot be acknowledged: the transport restarted since it
     *         was taken (it is in doubt, docs/transport.md), or the inbound journal cannot be written
     * @since 1.1
     */
    boolean acknowledge(InboundMessage message);

    /**
     * Asks a peer and waits for its answer, given by the peer's best {@link SyncHandler}.
     *
     * @param peer          a configured peer's node id
     * @param request       the request bytes
     * @param deadlineNanos absolute {@code System.nanoTime()} deadline
     * @return the answer bytes
     * @throws TransportException when no answer came or the peer's handler failed
     *         ({@link TransportException.Kind#REMOTE_FAILURE}, with the handler's message)
     * @throws InterruptedException when interrupted while waiting
     */
    byte[] sync(String peer, byte[] request, long deadlineNanos) throws TransportException, InterruptedException;

    /**
     * Quorum write: sends the message (one id) to every configured peer and returns as soon as a
     * majority of the cluster, this node included, has it. This node counts as one vote; the message is
     * <em>not</em> put into this node's own inbound queue. This is the replication step a consensus
     * protocol is built on, not a consensus algorithm: there is no leader, no ordering between
     * concurrent writes, and peers that acknowledged keep the message even when the quorum is missed.
     *
     * @param messageId     from {@link #nextMessageId()}; the same on every retry
     * @param payload       the bytes
     * @param deadlineNanos absolute {@code System.nanoTime()} deadline
     * @return which peers acknowledged (those that answered before the quorum was reached, at least)
     * @throws QuorumNotReachedException when the deadline passed first, with the partial result
     * @throws InterruptedException when interrupted while waiting
     */
    ConsensusResult consensus(long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException;

    /** @return every configured peer's status, sorted by node id */
    List<PeerStatus> peers();

    /** @return the transport's figures now */
    TransportMetrics metrics();
}
