package io.dwcp.resilience.ratelimiter.internal;

/**
 * Learns every change of an adaptive limit. Called by the thread that made the change, which may
 * be a caller completing a window: implementations must not block or allocate (the component
 * records the change in a {@link LimitChangeLog} and publishes it from its own thread).
 */
@FunctionalInterface
public interface LimitListener {

    /** Why a limit changed. */
    enum Reason {
        /** The latency signal (P95, or the RTT gradient) was above its band: lowered. */
        LATENCY_HIGH("latency above target"),
        /** The latency signal was below its band: raised. */
        LATENCY_LOW("latency below target"),
        /** The RTT gradient showed no queueing and the limit was in use: raised. */
        NO_QUEUEING("no queueing"),
        /** Calls timed out or were shed downstream (AIMD): lowered. */
        DROPS("calls dropped"),
        /** A window without drops with the limit in use (AIMD): raised. */
        PROBE("no drops, limit in use"),
        /** The limit saved before a restart or swap was taken up. */
        RESTORED("restored from saved state"),
        /** A configuration change moved the bounds. */
        CONFIGURED("configuration changed");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** @return the reason in words */
        public String text() {
            return text;
        }
    }

    /** A listener that ignores everything. */
    LimitListener NONE = (from, to, reason, signalNanos, nowNanos) -> { };

    /**
     * @param from        the limit before
     * @param to          the limit after
     * @param reason      why
     * @param signalNanos the latency that drove it (P95 or short RTT), or -1
     * @param nowNanos    when, on the limiter's clock
     */
    void limitChanged(double from, double to, Reason reason, long signalNanos, long nowNanos);
}
