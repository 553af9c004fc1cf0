package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.TransportMode;
import java.util.Collection;

/**
 * DWCP's classification of a peer, with hysteresis, from two measurements:
 * <ul>
 * <li>RTT: below the datacenter threshold LOCAL, above the internet threshold GLOBAL, REGIONAL between.
 * A tier changes only when the RTT crosses a threshold by the relative margin {@code hysteresis} (0.2:
 * LOCAL becomes REGIONAL above 12 ms and REGIONAL becomes LOCAL below 8 ms with a 10 ms threshold), so an
 * RTT wandering around a threshold does not flap.</li>
 * <li>Throughput (what the link was measured to carry, {@link ThroughputEstimate}): at or above the
 * datacenter throughput LOCAL, below the internet throughput GLOBAL, REGIONAL between, with the same
 * relative margin the other way round (higher is better).</li>
 * </ul>
 * A peer's tier is the farther of the two: a link is a datacenter link only when it is both near and
 * fast, and an internet link when it is far <em>or</em> slow, as DWCP's mode detector has it. Unknown
 * throughput (the link never seen saturated) leaves the RTT to decide alone. Pure: no state of its own,
 * the caller keeps the current tiers.
 */
final class TierClassifier {

    private TierClassifier() {
    }

    static NetworkTier next(NetworkTier current, double rttMs, double dcMs, double inetMs, double hysteresis) {
        double up = 1 + hysteresis;
        double down = 1 - hysteresis;
        switch (current) {
            case LOCAL:
                if (rttMs > inetMs * up) {
                    return NetworkTier.GLOBAL;
                }
                return rttMs > dcMs * up ? NetworkTier.REGIONAL : NetworkTier.LOCAL;
            case REGIONAL:
                if (rttMs < dcMs * down) {
                    return NetworkTier.LOCAL;
                }
                return rttMs > inetMs * up ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
            case GLOBAL:
                if (rttMs < dcMs * down) {
                    return NetworkTier.LOCAL;
                }
                return rttMs < inetMs * down ? NetworkTier.REGIONAL : NetworkTier.GLOBAL;
            default:
                // first measurement: no history to hold on to
                return rttMs < dcMs ? NetworkTier.LOCAL : rttMs > inetMs ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
        }
    }

    /**
     * The throughput tier, as {@link #next} is the RTT tier.
     *
     * @param mbps   the measured throughput in megabits per second, negative when unknown
     * @param dcMbps at or above: LOCAL
     * @param inetMbps below: GLOBAL
     */
    static NetworkTier byThroughput(NetworkTier current, double mbps, double dcMbps, double inetMbps, double hysteresis) {
        if (mbps < 0) {
            return NetworkTier.UNKNOWN;
        }
        double up = 1 + hysteresis;
        double down = 1 - hysteresis;
        switch (current) {
            case LOCAL:
                if (mbps < inetMbps * down) {
                    return NetworkTier.GLOBAL;
                }
                return mbps < dcMbps * down ? NetworkTier.REGIONAL : NetworkTier.LOCAL;
            case REGIONAL:
                if (mbps > dcMbps * up) {
                    return NetworkTier.LOCAL;
                }
                return mbps < inetMbps * down ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
            case GLOBAL:
                if (mbps > dcMbps * up) {
                    return NetworkTier.LOCAL;
                }
                return mbps > inetMbps * up ? NetworkTier.REGIONAL : NetworkTier.GLOBAL;
            default:
                return mbps >= dcMbps ? NetworkTier.LOCAL : mbps < inetMbps ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
        }
    }

    /** @return the farther of the RTT's and the throughput's tier; UNKNOWN only when both are */
    static NetworkTier combine(NetworkTier byRtt, NetworkTier byThroughput) {
        if (byThroughput == NetworkTier.UNKNOWN) {
            return byRtt;
        }
        if (byRtt == NetworkTier.UNKNOWN) {
            return byThroughput;
        }
        return byRtt.compareTo(byThroughput) >= 0 ? byRtt : byThroughput;
    }

    /** The node's mode from its peers' tiers: DATACENTER when all are LOCAL, INTERNET when all GLOBAL. */
    static TransportMode mode(Collection<NetworkTier> tiers) {
        boolean allLocal = true;
        boolean allGlobal = true;
        boolean any = false;
        for (NetworkTier t : tiers) {
            if (t == NetworkTier.UNKNOWN) {
                continue;
            }
            any = true;
            allLocal &= t == NetworkTier.LOCAL;
            allGlobal &= t == NetworkTier.GLOBAL;
        }
        if (!any || allLocal) {
            return TransportMode.DATACENTER;
        }
        return allGlobal ? TransportMode.INTERNET : TransportMode.HYBRID;
    }
}
