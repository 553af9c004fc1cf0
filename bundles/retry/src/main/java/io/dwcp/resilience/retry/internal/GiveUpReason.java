package io.dwcp.resilience.retry.internal;

/** Why the retry stage stopped trying while the last attempt had failed. */
enum GiveUpReason {
    /** Every allowed retry was made. */
    EXHAUSTED,
    /** The next retry would have started after the invocation's deadline. */
    DEADLINE,
    /** The retry budget had no retry left. */
    BUDGET,
    /** The thread was interrupted. */
    INTERRUPTED;

    /** @return the name used in events and logs, e.g. {@code deadline} */
    String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
