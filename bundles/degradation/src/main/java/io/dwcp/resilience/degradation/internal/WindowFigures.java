package io.dwcp.resilience.degradation.internal;

/**
 * An operation's calls over the rolling window (rejected calls left out).
 *
 * @param calls     calls that ran (succeeded, failed or timed out)
 * @param errors    calls that failed or timed out
 * @param slowerThan calls slower than the latency threshold × each level's factor, indexed by level
 *                  ordinal (index 0 unused)
 */
record WindowFigures(long calls, long errors, long[] slowerThan) {

    /** @return errors over calls, 0 without calls */
    double errorRate() {
        return calls == 0 ? 0 : (double) errors / calls;
    }
}
