package io.dwcp.resilience.retry.internal;

/** The same delay before every retry. */
final class FixedBackoff implements Backoff {

    private final long delayNanos;

    /** @param delayNanos the delay, not negative */
    FixedBackoff(long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("fixed backoff needs a delay >= 0");
        }
        this.delayNanos = delayNanos;
    }

    @Override
    public long baseDelayNanos(int retry) {
        return delayNanos;
    }

    @Override
    public long initialDelayNanos() {
        return delayNanos;
    }

    @Override
    public long maxDelayNanos() {
        return delayNanos;
    }

    @Override
    public String toString() {
        return "fixed(" + delayNanos + " ns)";
    }
}
