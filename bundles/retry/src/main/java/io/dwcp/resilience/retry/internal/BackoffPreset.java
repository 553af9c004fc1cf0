package io.dwcp.resilience.retry.internal;

/** The named backoff strategies of the {@code backoff} configuration key. */
enum BackoffPreset {
    /** {@code initial × multiplier^(retry-1)}, capped. */
    EXPONENTIAL,
    /** {@code initial + increment × (retry-1)}, capped. */
    LINEAR,
    /** {@code fib(retry) × initial}, capped. */
    FIBONACCI,
    /** {@code initial} every time. */
    FIXED;

    Backoff create(long initialNanos, long maxNanos, double multiplier, long incrementNanos) {
        switch (this) {
            case EXPONENTIAL:
                return new ExponentialBackoff(initialNanos, maxNanos, multiplier);
            case LINEAR:
                return new LinearBackoff(initialNanos, maxNanos, incrementNanos);
            case FIBONACCI:
                return new FibonacciBackoff(initialNanos, maxNanos);
            case FIXED:
                return new FixedBackoff(initialNanos);
            default:
                throw new AssertionError(this);
        }
    }
}
