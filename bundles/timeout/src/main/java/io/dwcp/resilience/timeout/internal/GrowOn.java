package io.dwcp.resilience.timeout.internal;

/** Which failures make the adaptive timeout grow. */
enum GrowOn {
    /** Every failed call, as the DWCP specification says: a failing peer gets more time. */
    FAILURE,
    /** Only calls that ran out of time: a fast failure (connection refused) leaves the timeout alone. */
    TIMEOUT
}
