package io.dwcp.resilience.hedge.internal;

/**
 * How many hedges a stream of calls may send: a token bucket filled by calls, not by time, so the
 * extra load stays a share of the load ("The Tail at Scale" reports about 2 % extra requests for
 * hedging at P95). Each call adds {@code percent / 100} of a token, up to {@code burst} tokens; a
 * hedge takes one. Calls are counted elsewhere (a striped counter on the call path); the bucket is
 * settled only when a hedge is considered, which is the slow path.
 */
final class HedgeBudget {

    /** One token in fixed point: whole numbers, so that no rounding drifts the share over millions of calls. */
    private static final long TOKEN = 1_000_000;

    private final long perCall;
    private final long burst;
    private long tokens;
    private long seenCalls;

    HedgeBudget(double percent, int burst) {
        this.perCall = Math.round(percent * (TOKEN / 100));
        this.burst = burst * TOKEN;
        this.tokens = this.burst;
    }

    /**
     * @param callsSoFar every call counted so far (never decreasing)
     * @return whether a hedge may be sent now; when so, it is counted
     */
    synchronized boolean tryAcquire(long callsSoFar) {
        if (callsSoFar > seenCalls) {
            long added = (callsSoFar - seenCalls) > burst / Math.max(1, perCall) ? burst : (callsSoFar - seenCalls) * perCall;
            tokens = Math.min(burst, tokens + added);
            seenCalls = callsSoFar;
        }
        if (tokens >= TOKEN) {
            tokens -= TOKEN;
            return true;
        }
        return false;
    }
}
