package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import io.dwcp.resilience.testkit.Hammer;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Additions spread over stripes sum to what one sequential counter holds. */
class StripedAdderProperties {

    @Property(tries = 300)
    void mergedSumIsTheSequentialSum(@ForAll @Size(max = 300) List<@IntRange(min = -1_000, max = 1_000) Integer> stripes,
            @ForAll @Size(max = 300) List<@IntRange(min = -5, max = 5) Integer> amounts) {
        StripedAdder adder = new StripedAdder();
        long sequential = 0;
        for (int i = 0; i < Math.min(stripes.size(), amounts.size()); i++) {
            adder.addOn(stripes.get(i), amounts.get(i));
            sequential += amounts.get(i);
            assertEquals(sequential, adder.sum());
        }
    }

    @Example
    void threadsCountingAtOnceLoseNothing() throws Exception {
        StripedAdder adder = new StripedAdder();
        Hammer.together(4, thread -> {
            for (int i = 0; i < 50_000; i++) {
                adder.increment();
            }
        });
        assertEquals(200_000, adder.sum());
    }

    /** More threads than stripes: some add on the shared cell; nothing is lost. */
    @Example
    void moreThreadsThanStripesLoseNothing() throws Exception {
        StripedAdder adder = new StripedAdder();
        int threads = 2 * Stripes.COUNT + 1;
        Hammer.together(threads, thread -> {
            for (int i = 0; i < 20_000; i++) {
                adder.add(thread % 2 == 0 ? 1 : 2);
            }
        });
        long expected = 0;
        for (int t = 0; t < threads; t++) {
            expected += 20_000L * (t % 2 == 0 ? 1 : 2);
        }
        assertEquals(expected, adder.sum());
    }
}
