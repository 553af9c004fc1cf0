package io.dwcp.resilience.injector.latency.internal;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DelayDistributionProperties {

    @Property
    boolean everyDrawLiesInTheRange(@ForAll DelayDistribution d, @ForAll @LongRange(min = 0, max = 600_000_000_000L) long a,
            @ForAll @LongRange(min = 0, max = 600_000_000_000L) long b, @ForAll long seed) {
        long min = Math.min(a, b);
        long max = Math.max(a, b);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            long v = d.draw(min, max, random);
            if (v < min || v > max) {
                return false;
            }
        }
        return true;
    }
}
