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
 */
public record OperationMetrics(String operation, long calls, long successes, long failures, long rejections,
        long timeouts, LatencySnapshot latency) {

    /** @return successes over calls, 1.0 when there were none */
    public double successRate() {
        return calls == 0 ? 1.0 : (double) successes / calls;
    }
}
