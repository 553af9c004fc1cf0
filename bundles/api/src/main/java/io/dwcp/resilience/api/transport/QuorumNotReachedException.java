package io.dwcp.resilience.api.transport;

import java.util.Objects;

/** A quorum write missed its majority before the deadline; {@link #result()} says who acknowledged. */
public class QuorumNotReachedException extends TransportException {

    private static final long serialVersionUID = 1L;

    private final transient ConsensusResult result;

    /**
     * @param operation the operation, {@code consensus} normally
     * @param result    the votes gathered
     */
    public QuorumNotReachedException(String operation, ConsensusResult result) {
        super(operation, "*", Kind.QUORUM_NOT_REACHED, Objects.requireNonNull(result, "result").votes() + " of "
                + result.clusterSize() + " votes, " + result.quorum() + " needed; acknowledged by " + result.acknowledged()
                + ", not by " + result.failed(), null);
        this.result = result;
    }

    /** @return the votes gathered: who acknowledged and why the others did not */
    public ConsensusResult result() {
        return result;
    }
}
