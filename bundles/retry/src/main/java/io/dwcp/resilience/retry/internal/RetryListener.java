package io.dwcp.resilience.retry.internal;

/**
 * Learns about each retry and each give-up. Called on the caller's thread, only after a failure,
 * never on the success path.
 */
interface RetryListener {

    /** Hears nothing. */
    RetryListener NONE = new RetryListener() {
        @Override
        public void onRetry(String operation, int nextAttempt, long delayNanos, Throwable lastFailure) {
        }

        @Override
        public void onGiveUp(String operation, int attempts, GiveUpReason reason, Throwable lastFailure) {
        }

        @Override
        public void onPredicateFailure(String operation, RuntimeException failure) {
        }
    };

    /**
     * A retry is about to be made after a wait.
     *
     * @param operation   the operation
     * @param nextAttempt the attempt about to be made (2 for the first retry)
     * @param delayNanos  the wait before it
     * @param lastFailure what the previous attempt threw, or {@code null} when its result was retried
     */
    void onRetry(String operation, int nextAttempt, long delayNanos, Throwable lastFailure);

    /**
     * The stage stopped although the last attempt failed.
     *
     * @param operation   the operation
     * @param attempts    attempts made
     * @param reason      why no further attempt was made
     * @param lastFailure what the last attempt threw, or {@code null} when its result was retried
     */
    void onGiveUp(String operation, int attempts, GiveUpReason reason, Throwable lastFailure);

    /**
     * The result predicate service threw; the result was kept.
     *
     * @param operation the operation
     * @param failure   what the predicate threw
     */
    void onPredicateFailure(String operation, RuntimeException failure);
}
