package io.dwcp.resilience.retry.internal;

/**
 * {@code fib(retry) × initial}, capped, with fib(1) = fib(2) = 1: grows more gently than doubling
 * (ratio tends to 1.618), so a cluster backs off without the long tail of an exponential.
 */
final class FibonacciBackoff implements Backoff {

    private final long initialNanos;
    private final long maxNanos;

    /**
     * @param initialNanos the first delay, not negative
     * @param maxNanos     the cap, at least {@code initialNanos}
     */
    FibonacciBackoff(long initialNanos, long maxNanos) {
        if (initialNanos < 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("Fibonacci backoff needs 0 <= initial <= max");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
    }

    @Override
    public long baseDelayNanos(int retry) {
        if (initialNanos == 0) {
            return 0;
        }
        // Iterate only until the cap is reached: at most ~90 steps even for a 1 ns base, since
        // fib(n) passes Long.MAX_VALUE by n = 93.
        double previous = 0;
        double current = initialNanos;
        for (int n = 1; n < retry && current < maxNanos; n++) {
            double next = previous + current;
            previous = current;
            current = next;
        }
        return Backoff.capped(current, maxNanos);
    }

    @Override
    public long initialDelayNanos() {
        return initialNanos;
    }

    @Override
    public long maxDelayNanos() {
        return maxNanos;
    }

    @Override
    public String toString() {
        return "fibonacci(" + initialNanos + " ns, max " + maxNanos + " ns)";
    }
}
