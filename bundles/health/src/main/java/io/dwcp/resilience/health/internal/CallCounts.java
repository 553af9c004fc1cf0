package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.metrics.OperationMetrics;

/**
 * The manager's call counters of one operation, or summed over all of them.
 *
 * @param calls      calls completed
 * @param successes  calls that returned
 * @param failures   calls that failed
 * @param rejections calls a stage refused
 * @param timeouts   calls whose deadline passed
 */
record CallCounts(long calls, long successes, long failures, long rejections, long timeouts) {

    /** No calls. */
    static final CallCounts ZERO = new CallCounts(0, 0, 0, 0, 0);

    static CallCounts of(OperationMetrics metrics) {
        return new CallCounts(metrics.calls(), metrics.successes(), metrics.failures(), metrics.rejections(),
                metrics.timeouts());
    }

    CallCounts plus(CallCounts other) {
        return new CallCounts(calls + other.calls, successes + other.successes, failures + other.failures,
                rejections + other.rejections, timeouts + other.timeouts);
    }

    CallCounts minus(CallCounts other) {
        return new CallCounts(calls - other.calls, successes - other.successes, failures - other.failures,
                rejections - other.rejections, timeouts - other.timeouts);
    }

    /** @return whether a counter is negative: the counters were reset between two samples */
    boolean anyNegative() {
        return calls < 0 || successes < 0 || failures < 0 || rejections < 0 || timeouts < 0;
    }
}
