package io.dwcp.resilience.timeout.internal;

/** How the timeout of an operation is chosen. */
enum TimeoutMode {
    /** The configured timeout, always. */
    FIXED,
    /** Starts at the configured timeout and follows the observed latency (see {@link AdaptiveTimeout}). */
    ADAPTIVE
}
