package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.TransportMode;
import java.util.Collection;

/**
 * DWCP's classification of a peer by RTT, with hysteresis: below the datacenter threshold LOCAL, above
 * the internet threshold GLOBAL, REGIONAL between. A tier changes only when the RTT crosses a threshold
 * by the relative margin {@code hysteresis} (0.2: LOCAL becomes REGIONAL above 12 ms and REGIONAL
 * becomes LOCAL below 8 ms with a 10 ms threshold), so an RTT wandering around a threshold does not
 * flap. Pure: no state of its own, the caller keeps the current tier.
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
