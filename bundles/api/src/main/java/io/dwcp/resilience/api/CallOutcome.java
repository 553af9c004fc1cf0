package io.dwcp.resilience.api;

/** How a call ended, as {@link CallObserver}s and the manager's metrics count it. */
public enum CallOutcome {
    /** The call returned a result. */
    SUCCESS,
    /** The call, or an inner stage on its behalf, threw something that is not a rejection or a timeout. */
    FAILURE,
    /** A stage refused the call before it ran: breaker open, rate limited, bulkhead full, shed, stage missing. */
    REJECTED,
    /** The call's deadline passed ({@link DeadlineExceededException}). */
    TIMEOUT;

    /**
     * @param failure what the chain threw, or {@code null} for success
     * @return the outcome that failure stands for
     */
    public static CallOutcome of(Throwable failure) {
        if (failure == null) {
            return SUCCESS;
        }
        if (failure instanceof DeadlineExceededException) {
            return TIMEOUT;
        }
        if (failure instanceof ResilienceException && ((ResilienceException) failure).isRejection()) {
            return REJECTED;
        }
        return FAILURE;
    }
}
