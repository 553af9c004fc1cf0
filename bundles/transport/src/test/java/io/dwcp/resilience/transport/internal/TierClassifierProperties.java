package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.TransportMode;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class TierClassifierProperties {

    @Property
    void anRttWanderingWithinTheMarginNeverChangesTheTier(@ForAll @DoubleRange(min = 8.01, max = 11.99) double a,
            @ForAll @DoubleRange(min = 8.01, max = 11.99) double b) {
        // around the 10 ms threshold with 20 % hysteresis: whatever tier it holds, it keeps
        for (NetworkTier start : new NetworkTier[] {NetworkTier.LOCAL, NetworkTier.REGIONAL}) {
            NetworkTier t = TierClassifier.next(start, a, 10, 50, 0.2);
            t = TierClassifier.next(t, b, 10, 50, 0.2);
            assertEquals(start, t);
        }
    }

    @Property
    void farOutsideTheMarginTheThresholdsDecide(@ForAll @DoubleRange(min = 0, max = 1000) double rtt) {
        NetworkTier fresh = TierClassifier.next(NetworkTier.UNKNOWN, rtt, 10, 50, 0.2);
        NetworkTier expected = rtt < 10 ? NetworkTier.LOCAL : rtt > 50 ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
        assertEquals(expected, fresh);
        if (rtt < 8 || rtt > 60 || (rtt > 12 && rtt < 40)) {
            for (NetworkTier start : new NetworkTier[] {NetworkTier.LOCAL, NetworkTier.REGIONAL, NetworkTier.GLOBAL}) {
                assertEquals(expected, TierClassifier.next(start, rtt, 10, 50, 0.2), "from " + start + " at " + rtt);
            }
        }
    }

    @Test
    void modeFollowsTheTiers() {
        assertEquals(TransportMode.DATACENTER, TierClassifier.mode(List.of()));
        assertEquals(TransportMode.DATACENTER, TierClassifier.mode(List.of(NetworkTier.LOCAL, NetworkTier.UNKNOWN)));
        assertEquals(TransportMode.INTERNET, TierClassifier.mode(List.of(NetworkTier.GLOBAL, NetworkTier.GLOBAL)));
        assertEquals(TransportMode.HYBRID, TierClassifier.mode(List.of(NetworkTier.GLOBAL, NetworkTier.LOCAL)));
        assertEquals(TransportMode.HYBRID, TierClassifier.mode(List.of(NetworkTier.REGIONAL)));
    }
}
