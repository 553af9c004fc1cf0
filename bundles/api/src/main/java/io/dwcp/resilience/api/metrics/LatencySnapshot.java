package io.dwcp.resilience.api.metrics;

/**
 * Latency distribution of a set of calls, in nanoseconds (from an HdrHistogram; percentiles are
 * accurate to its configured precision).
 *
 * @param count      calls measured
 * @param minNanos   the fastest
 * @param maxNanos   the slowest
 * @param meanNanos  the mean
 * @param p50Nanos   the median
 * @param p90Nanos   the 90th percentile
 * @param p95Nanos   the 95th percentile
 * @param p99Nanos   the 99th percentile
 * @param p999Nanos  the 99.9th percentile
 */
public record LatencySnapshot(long count, long minNanos, long maxNanos, double meanNanos, long p50Nanos,
        long p90Nanos, long p95Nanos, long p99Nanos, long p999Nanos) {

    /** The snapshot of no calls. */
    public static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0.0, 0, 0, 0, 0, 0);
}
