package io.dwcp.resilience.timeout.internal;

/**
 * Learns when an adaptive timeout has moved noticeably. Called from the stage's control path (its
 * publisher thread, at most every {@link TimeoutStage#PUBLISH_PERIOD_MS} ms), never from a call.
 */
interface TimeoutListener {

    /** Hears nothing. */
    TimeoutListener NONE = (operation, fromNanos, toNanos) -> { };

    /**
     * The timeout moved by at least {@link TimeoutController#NOTABLE_CHANGE} since the last report.
     *
     * @param operation the operation
     * @param fromNanos the timeout at the last report
     * @param toNanos   the timeout now
     */
    void onTimeoutChanged(String operation, long fromNanos, long toNanos);
}
