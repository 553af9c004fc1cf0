package io.dwcp.resilience.timeout.internal;

/** Which observed latency bounds the adaptive timeout from below. */
enum LatencyBasis {
    /** The latency of the call that just succeeded. */
    LAST,
    /** A percentile (P95 by default) of the latencies of the last completed interval, from HdrHistogram. */
    PERCENTILE
}
