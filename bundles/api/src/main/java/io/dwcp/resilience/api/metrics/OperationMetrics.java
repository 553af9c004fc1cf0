package io.dwcp.resilience.api.metrics;

/**
 * What the manager counted for one operation since it started.
 *
 * @param operation  the operation
 * @param calls      calls completed
 * @param successes  calls that returned
 * @param failures   calls that failed (not rejected, not timed out)
 * @param rejections calls a stage refused
 * @param timeouts   calls whose deadline passed
 * @param latency    latency of all completed calls
 * @param held       calls that waited for a missing stage kind to come back (make-before-break or
 *                   the start-up gate) before they ran
 * @param heldNanos  the time those calls waited, in total
 * @param heldMaxNanos the longest one call waited
 * @since 1.1
 */
public record OperationMetrics(String operation, long calls, long successes, long failures, long rejections,
        long timeouts, LatencySnapshot latency, long held, long heldNanos, long heldMaxNanos) {

    /** Metrics of an operation whose calls never waited (as before 1.1). */
    public OperationMetrics(String operation, long calls, long successes, long failures, long rejections,
            long timeouts, LatencySnapshot latency) {
        this(operation, calls, successes, failures, rejections, timeouts, latency, 0, 0, 0);
    }

    /** @return successes over calls, 1.0 when there were none */
    public double successRate() {
        return calls == 0 ? 1.0 : (double) successes / calls;
    }
}
