package io.dwcp.resilience.degradation.internal;

/**
 * What an operation's signals are measured against.
 *
 * @param errorRate          the error-rate threshold (1× in the level table), e.g. 0.01
 * @param latencyNanos       the latency threshold (1×), e.g. 100 ms for send; 0 when latency is not judged
 *                           (an operation such as {@code receive} that waits for a peer by nature)
 */
record OperationThresholds(double errorRate, long latencyNanos) {

    /** @return whether the operation's latency counts towards its level */
    boolean judgesLatency() {
        return latencyNanos > 0;
    }
}
