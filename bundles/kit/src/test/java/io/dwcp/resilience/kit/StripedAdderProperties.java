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

    /**
     * Threads that own their stripe (plain adds), threads whose stripe another owns (atomic adds),
     * owners that end and stripes taken over by later threads: in waves of more threads than there
     * are stripes, with the test's own thread adding in between, the sum after each wave is the
     * sequential one.
     */
    @Property(tries = 15)
    void ownersCollidersAndTakeOversLoseNothing(
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 12) Integer> waves,
            @ForAll @IntRange(min = 1, max = 3_000) int perThread) throws Exception {
        StripedAdder adder = new StripedAdder();
        long sequential = 0;
        for (int threads : waves) {
            Hammer.together(threads, thread -> {
                for (int i = 0; i < perThread; i++) {
                    adder.add(thread + 1);
                }
            });
            for (int t = 0; t < threads; t++) {
                sequential += (long) perThread * (t + 1);
            }
            adder.increment(); // the test's thread, alive throughout
            sequential++;
            assertEquals(sequential, adder.sum());
        }
    }

    @Example
    void anEndedOwnersStripeIsTakenOverByTheNextThreadOnIt() throws Exception {
        StripedAdder adder = new StripedAdder();
        Thread first = new Thread(adder::increment);
        first.start();
        first.join();
        int stripe = Stripes.of((int) first.getId());
        assertEquals(first, adder.owner(stripe));
        Thread[] next = new Thread[1];
        while (next[0] == null) { // a thread with the same stripe (ids are consecutive: a few tries)
            Thread t = new Thread(() -> {
                for (int i = 0; i < 2_048; i++) {
                    adder.increment();
                }
            });
            if (Stripes.of((int) t.getId()) == stripe) {
                next[0] = t;
            }
        }
        next[0].start();
        next[0].join();
        assertEquals(next[0], adder.owner(stripe), "taken over once the atomic count passed 1024");
        assertEquals(2_049, adder.sum());
    }
}

