package io.dwcp.resilience.api.transport;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.slo.BudgetStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The DWCP manager: the node's four operations, each run through
 * {@link io.dwcp.resilience.api.ResilienceManager#execute(String, String, io.dwcp.resilience.api.Call)}
 * under the operation of the same name ({@code send}, {@code receive}, {@code sync},
 * {@code consensus}), plus the node's health, degradation, budgets, metrics and chaos switch.
 *
 * <p>The manager's reference to the {@code ResilienceManager} is dynamic: replacing it, or any stage,
 * never closes a connection or drops a queued message. While none is bound, a call waits for one up to
 * its deadline, then fails with {@link ManagerUnavailableException}.
 *
 * <p>Every retry of a {@code send} or {@code consensus} carries the same message id, so the receiver
 * delivers the message at most once however often the chain retries it.
 *
 * <p>Failures: a {@link io.dwcp.resilience.api.ResilienceException} from a stage (rejected, timed out,
 * breaker open…), a {@link TransportException} from the wire (its {@link TransportException#kind()}
 * says what), {@link ManagerUnavailableException}, or {@link InterruptedException}.
 */
@ProviderType
public interface DWCPManager {

    /** @return this node's id */
    String nodeId();

    /**
     * Sends a message to a peer; returns once the peer has acknowledged it (its application took it
     * with {@link #receive} and came back for the next one).
     *
     * @param peer    a configured peer's node id
     * @param payload the bytes
     * @param timeout how long the whole call (every retry included) may take
     * @return the message id the peer received it under
     * @throws Exception as described in the type's documentation
     */
    long send(String peer, byte[] payload, Duration timeout) throws Exception;

    /**
     * Takes the next inbound message. Calling it again (a zero timeout too) tells the node that this
     * thread is done with the message it took last, which is acknowledged to its sender only then, or
     * earlier by {@link #acknowledge(InboundMessage)}.
     *
     * @param timeout how long to wait for one
     * @return the message, or empty when none arrived in time (not a failure)
     * @throws Exception as described in the type's documentation
     */
    Optional<InboundMessage> receive(Duration timeout) throws Exception;

    /**
     * Says the application is done with a message it took with {@link #receive}: acknowledged to its
     * sender now, not when the thread that took it comes back to {@code receive}
     * ({@link DWCPTransport#acknowledge(InboundMessage)}, whose contract this is). Local bookkeeping
     * that sends one ACK frame: it does not run through the resilience chain.
     *
     * @param message a message this node's {@code receive} returned
     * @return {@code true} when this call acknowledged it, {@code false} when it was acknowledged already
     * @throws IllegalArgumentException when this node did not hand that message over
     * @throws IllegalStateException when it cannot be acknowledged (in doubt after a transport restart,
     *         or the inbound journal cannot be written)
     * @since 1.1
     */
    boolean acknowledge(InboundMessage message);

    /**
     * Asks a peer; its best {@link SyncHandler} answers.
     *
     * @param peer    a configured peer's node id
     * @param request the request bytes
     * @param timeout how long the whole call may take
     * @return the answer
     * @throws Exception as described in the type's documentation
     */
    byte[] sync(String peer, byte[] request, Duration timeout) throws Exception;

    /**
     * Quorum write to every peer (see {@link DWCPTransport#consensus(long, byte[], long)}).
     *
     * @param payload the bytes
     * @param timeout how long the whole call may take
     * @return which peers acknowledged
     * @throws Exception {@link QuorumNotReachedException} when a majority did not acknowledge in time,
     *                   or as described in the type's documentation
     */
    ConsensusResult consensus(byte[] payload, Duration timeout) throws Exception;

    /** @return whether the node is healthy: overall health not {@code UNHEALTHY} and degradation below {@code EMERGENCY} */
    boolean isHealthy();

    /** @return the overall degradation level, {@code NORMAL} when no degradation manager is present */
    DegradationLevel degradationLevel();

    /**
     * @param operation an operation name
     * @return the operation's error budget over its window, or empty when no SLO bundle tracks it
     */
    Optional<BudgetStatus> checkErrorBudget(String operation);

    /** @return every stage, health, chaos, degradation and budget figure, in one immutable snapshot */
    ResilienceMetrics resilienceMetrics();

    /** @return the transport's figures and the node's state, in one immutable snapshot */
    DWCPMetrics metrics();

    /** @return every configured peer's status, sorted by node id */
    List<PeerStatus> peers();

    /**
     * Arms the chaos engine for a duration with its configured selection.
     *
     * @param duration how long, positive
     * @return the engine's status after arming
     * @throws io.dwcp.resilience.api.chaos.ChaosNotAllowedException when the configuration forbids chaos
     * @throws IllegalStateException when no chaos engine is installed
     */
    ChaosStatus enableChaos(Duration duration);

    /**
     * Disarms chaos and reverts every fault in effect.
     *
     * @return the engine's status after disarming, or empty when no chaos engine is installed
     */
    Optional<ChaosStatus> disableChaos();
}
