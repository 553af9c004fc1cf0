package io.dwcp.resilience.transport.internal;

/**
 * What a peer's link can carry, from the bytes it acknowledged over sampling intervals. Pure: the caller
 * measures and passes every interval in.
 *
 * <p>A delivery rate only says something about the link when the network set the pace. An interval is
 * <em>network-limited</em> when the sender had more to write than the connection took (a stream's outbound
 * buffer went over Netty's high-water mark, so the channel turned unwritable); its rate is what the link
 * carried, and it moves the estimate (smoothed, an eighth at a time as the RTT is). Otherwise the
 * application set the pace, and its rate proves only that the link carries <em>at least</em> that much: it
 * can raise a known estimate, never lower one, and never creates one. So a quiet datacenter link is not
 * mistaken for a slow one: until the link has been seen saturated, throughput is unknown and the RTT
 * alone decides.
 */
final class ThroughputEstimate {

    // written by the sweeper thread only, read by status calls from any thread
    private volatile double bytesPerSecond = -1;

    /**
     * @param bytes          bytes acknowledged during the interval
     * @param nanos          the interval's length
     * @param networkLimited whether the sender was held back by the connection during it
     */
    void sample(long bytes, long nanos, boolean networkLimited) {
        if (nanos <= 0 || bytes < 0) {
            return;
        }
        double rate = bytes * 1e9 / nanos;
        if (networkLimited) {
            bytesPerSecond = bytesPerSecond < 0 ? rate : bytesPerSecond + (rate - bytesPerSecond) / 8;
        } else if (bytesPerSecond >= 0 && rate > bytesPerSecond) {
            bytesPerSecond = rate;
        }
    }

    /** @return the estimate in bytes per second, or -1 while unknown */
    double bytesPerSecond() {
        return bytesPerSecond;
    }

    /** @return the estimate in megabits per second, or -1 while unknown */
    double mbps() {
        return bytesPerSecond < 0 ? -1 : bytesPerSecond * 8 / 1e6;
    }
}
