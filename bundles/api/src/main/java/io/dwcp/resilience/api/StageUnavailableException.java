package io.dwcp.resilience.api;

/** No service provides a stage kind the operation's policy requires ({@link MissingStagePolicy#REJECT}). */
public class StageUnavailableException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String stageKind;

    /**
     * @param operation the operation
     * @param stageKind the missing stage kinds, e.g. {@code circuit-breaker}
     */
    public StageUnavailableException(String operation, String stageKind) {
        super(operation, "no " + stageKind + " stage is available and the policy for this operation is reject", null, false);
        this.stageKind = stageKind;
    }

    /**
     * @param operation the operation
     * @param stageKind the missing stage kinds
     * @param message   why the call could not run
     * @since 1.2
     */
    public StageUnavailableException(String operation, String stageKind, String message) {
        super(operation, message, null, false);
        this.stageKind = stageKind;
    }

    @Override
    public boolean isRejection() {
        return true;
    }

    /** @return the missing stage kind(s) */
    public String stageKind() {
        return stageKind;
    }
}
