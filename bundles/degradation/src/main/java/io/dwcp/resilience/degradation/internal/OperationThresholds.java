package io.dwcp.resilience.degradation.internal;

/**
 * What an operation's signals are measured against.
 *
 * @param errorRate          the error-rate threshold (1× in the level table), e.g. 0.01
 * @param latencyNanos       the latency threshold (1×), e.g. 100 ms for send
 */
record OperationThresholds(double errorRate, long latencyNanos) {
}
