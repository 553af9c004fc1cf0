package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.TransportMode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
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

    static final NetworkTier[] MEASURED = {NetworkTier.LOCAL, NetworkTier.REGIONAL, NetworkTier.GLOBAL};

    @Property
    void farFromTheThroughputThresholdsTheyDecide(@ForAll @DoubleRange(min = 0, max = 100_000) double mbps) {
        // defaults: LOCAL at or above 1000 Mbit/s, GLOBAL below 100, hysteresis 0.2
        NetworkTier expected = mbps >= 1000 ? NetworkTier.LOCAL : mbps < 100 ? NetworkTier.GLOBAL : NetworkTier.REGIONAL;
        assertEquals(expected, TierClassifier.byThroughput(NetworkTier.UNKNOWN, mbps, 1000, 100, 0.2));
        if (mbps < 80 || mbps > 1200 || (mbps > 120 && mbps < 800)) {
            for (NetworkTier start : MEASURED) {
                assertEquals(expected, TierClassifier.byThroughput(start, mbps, 1000, 100, 0.2), "from " + start + " at " + mbps);
            }
        }
    }

    @Property
    void aThroughputWanderingWithinTheMarginNeverChangesTheTier(@ForAll @DoubleRange(min = 800.01, max = 1199.99) double a,
            @ForAll @DoubleRange(min = 800.01, max = 1199.99) double b) {
        for (NetworkTier start : new NetworkTier[] {NetworkTier.LOCAL, NetworkTier.REGIONAL}) {
            NetworkTier t = TierClassifier.byThroughput(start, a, 1000, 100, 0.2);
            assertEquals(start, TierClassifier.byThroughput(t, b, 1000, 100, 0.2));
        }
    }

    @Property
    void moreThroughputNeverMakesATierFarther(@ForAll("tiers") NetworkTier current, @ForAll @DoubleRange(min = 0, max = 5000) double a,
            @ForAll @DoubleRange(min = 0, max = 5000) double b) {
        double low = Math.min(a, b);
        double high = Math.max(a, b);
        NetworkTier atLow = TierClassifier.byThroughput(current, low, 1000, 100, 0.2);
        NetworkTier atHigh = TierClassifier.byThroughput(current, high, 1000, 100, 0.2);
        assertTrue(atHigh.compareTo(atLow) <= 0, atHigh + " at " + high + " is farther than " + atLow + " at " + low);
    }

    @Property
    void unknownThroughputLeavesTheRttToDecide(@ForAll("tiers") NetworkTier current, @ForAll @DoubleRange(min = 0, max = 1000) double rtt) {
        NetworkTier byRtt = TierClassifier.next(current, rtt, 10, 50, 0.2);
        NetworkTier byThroughput = TierClassifier.byThroughput(current, -1, 1000, 100, 0.2);
        assertEquals(NetworkTier.UNKNOWN, byThroughput);
        assertEquals(byRtt, TierClassifier.combine(byRtt, byThroughput));
    }

    @Property
    void theCombinedTierIsTheFartherOfTheTwo(@ForAll("tiers") NetworkTier byRtt, @ForAll("tiers") NetworkTier byThroughput) {
        NetworkTier t = TierClassifier.combine(byRtt, byThroughput);
        if (byRtt != NetworkTier.UNKNOWN && byThroughput != NetworkTier.UNKNOWN) {
            assertTrue(t.compareTo(byRtt) >= 0 && t.compareTo(byThroughput) >= 0);
            assertTrue(t == byRtt || t == byThroughput);
        }
        // near and fast: datacenter; far or slow: internet
        assertEquals(byRtt == NetworkTier.LOCAL && byThroughput == NetworkTier.LOCAL, t == NetworkTier.LOCAL
                && byRtt != NetworkTier.UNKNOWN && byThroughput != NetworkTier.UNKNOWN);
        assertEquals(byRtt == NetworkTier.GLOBAL || byThroughput == NetworkTier.GLOBAL, t == NetworkTier.GLOBAL);
    }

    @Provide
    Arbitrary<NetworkTier> tiers() {
        return Arbitraries.of(NetworkTier.class);
    }

    /** One sampling interval: bytes, length, whether the connection held the sender back. */
    record Interval(long bytes, long nanos, boolean networkLimited) {
    }

    @Provide
    Arbitrary<List<Interval>> intervals() {
        return Combinators.combine(Arbitraries.longs().between(0, 1L << 30), Arbitraries.longs().between(1, 1_000_000_000L),
                Arbitraries.of(true, false)).as(Interval::new).list().ofMaxSize(50);
    }

    @Property
    void applicationLimitedIntervalsNeverLowerOrCreateAnEstimate(@ForAll("intervals") List<Interval> history,
            @ForAll @LongRange(min = 0, max = 1 << 30) long bytes, @ForAll @LongRange(min = 1, max = 1_000_000_000) long nanos) {
        ThroughputEstimate e = new ThroughputEstimate();
        history.forEach(i -> e.sample(i.bytes(), i.nanos(), i.networkLimited()));
        double before = e.bytesPerSecond();
        e.sample(bytes, nanos, false);
        if (before < 0) {
            assertEquals(-1, e.bytesPerSecond(), "an unsaturated link's throughput stays unknown");
        } else {
            assertTrue(e.bytesPerSecond() >= before);
            assertEquals(Math.max(before, bytes * 1e9 / nanos), e.bytesPerSecond(), 1e-6 * Math.max(1, before));
        }
    }

    @Property
    void networkLimitedIntervalsConvergeOnTheRateTheLinkCarries(@ForAll("intervals") List<Interval> history,
            @ForAll @LongRange(min = 1, max = 1 << 30) long rate) {
        ThroughputEstimate e = new ThroughputEstimate();
        history.forEach(i -> e.sample(i.bytes(), i.nanos(), i.networkLimited()));
        for (int i = 0; i < 400; i++) {
            e.sample(rate, 1_000_000_000L, true); // the link carries `rate` bytes a second, saturated
        }
        assertEquals(rate, e.bytesPerSecond(), rate * 0.01 + 1);
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
