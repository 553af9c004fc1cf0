package io.dwcp.resilience.circuitbreaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.circuitbreaker.internal.SlidingWindow.WindowTally;
import java.util.ArrayList;
import java.util.List;
import io.dwcp.resilience.testkit.OtherThread;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The lock-free windows agree with a naive list of outcomes. */
class SlidingWindowProperties {

    @Property(tries = 300)
    void aCountWindowHoldsExactlyTheLastNOutcomes(@ForAll @IntRange(min = 1, max = 30) int size,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 3) Integer> outcomes) {
        CountSlidingWindow window = new CountSlidingWindow(size);
        List<Integer> model = new ArrayList<>();
        for (int o : outcomes) {
            boolean failure = (o & 1) != 0;
            boolean slow = (o & 2) != 0;
            window.record(0, failure, slow);
            model.add(o);
            List<Integer> last = model.subList(Math.max(0, model.size() - size), model.size());
            WindowTally t = window.tally(0);
            assertEquals(last.size(), t.calls());
            assertEquals(last.stream().filter(x -> (x & 1) != 0).count(), t.failures());
            assertEquals(last.stream().filter(x -> (x & 2) != 0).count(), t.slowCalls());
        }
    }

    /**
     * Outcomes recorded on random stripes (threads) at increasing times: the striped window's
     * totals are those of the last N outcomes of all stripes together, as one ring would hold them.
     */
    @Property(tries = 300)
    void aStripedCountWindowTotalsTheLastNOutcomesOfAllStripes(@ForAll @IntRange(min = 1, max = 30) int size,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 3) Integer> outcomes,
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 7) Integer> stripes,
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 1, max = 5_000) Integer> gapsNanos) {
        CountSlidingWindow window = new CountSlidingWindow(size);
        List<Integer> model = new ArrayList<>();
        long now = -1_000_000L; // negative times too: the JVM's nanoTime may be anywhere
        for (int i = 0; i < outcomes.size(); i++) {
            int o = outcomes.get(i);
            now += gapsNanos.get(i % gapsNanos.size());
            window.recordOn(stripes.get(i % stripes.size()), now, (o & 1) != 0, (o & 2) != 0);
            model.add(o);
            List<Integer> last = model.subList(Math.max(0, model.size() - size), model.size());
            WindowTally t = window.tally(now);
            assertEquals(last.size(), t.calls(), "calls after " + model);
            assertEquals(last.stream().filter(x -> (x & 1) != 0).count(), t.failures(), "failures after " + model);
            assertEquals(last.stream().filter(x -> (x & 2) != 0).count(), t.slowCalls(), "slow calls after " + model);
        }
    }

    /**
     * The same while another live thread owns some stripes (claimed by recording first): the test
     * thread's outcomes on those stripes go to the shared ring, and the totals are still those of the
     * last N outcomes of all.
     */
    @Property(tries = 200)
    void aStripedCountWindowTotalsTheLastNOutcomesAlsoWhenOtherThreadsOwnStripes(
            @ForAll @IntRange(min = 1, max = 30) int size,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 3) Integer> outcomes,
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 7) Integer> stripes,
            @ForAll @Size(min = 1, max = 8) java.util.Set<@IntRange(min = 0, max = 7) Integer> ownedByOther)
            throws Exception {
        CountSlidingWindow window = new CountSlidingWindow(size);
        List<Integer> model = new ArrayList<>();
        long[] now = {-1_000_000L};
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (int stripe : ownedByOther) {
            distinct.add(io.dwcp.resilience.kit.Stripes.of(stripe));
            model.add(0); // the other thread's outcomes: successes, before all of ours
        }
        try (OtherThread other = OtherThread.after(() -> {
            for (int stripe : ownedByOther) {
                window.recordOn(stripe, ++now[0], false, false);
            }
        })) {
            for (int i = 0; i < outcomes.size(); i++) {
                int o = outcomes.get(i);
                now[0] += 1 + i % 7;
                window.recordOn(stripes.get(i % stripes.size()), now[0], (o & 1) != 0, (o & 2) != 0);
                model.add(o);
                List<Integer> last = model.subList(Math.max(0, model.size() - size), model.size());
                WindowTally t = window.tally(now[0]);
                assertEquals(last.size(), t.calls(), "calls after " + model + ", other owns " + distinct);
                assertEquals(last.stream().filter(x -> (x & 1) != 0).count(), t.failures(), "failures after " + model);
                assertEquals(last.stream().filter(x -> (x & 2) != 0).count(), t.slowCalls(), "slow calls after " + model);
            }
        }
    }

    record Timed(long second, boolean failure, boolean slow) {
    }

    @Property(tries = 300)
    void aTimeWindowHoldsExactlyTheOutcomesOfTheLastNSeconds(@ForAll @IntRange(min = 1, max = 20) int seconds,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 3) Integer> outcomes,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 4_000) Integer> advancesMillis) {
        TimeSlidingWindow window = new TimeSlidingWindow(seconds);
        List<Timed> model = new ArrayList<>();
        long now = 1_000_000_000_000L;
        for (int i = 0; i < outcomes.size(); i++) {
            now += (i < advancesMillis.size() ? advancesMillis.get(i) : 0) * 1_000_000L;
            int o = outcomes.get(i);
            window.record(now, (o & 1) != 0, (o & 2) != 0);
            model.add(new Timed(now / 1_000_000_000L, (o & 1) != 0, (o & 2) != 0));
            long second = now / 1_000_000_000L;
            List<Timed> inWindow = model.stream().filter(t -> t.second() > second - seconds).toList();
            WindowTally t = window.tally(now);
            assertEquals(inWindow.size(), t.calls());
            assertEquals(inWindow.stream().filter(Timed::failure).count(), t.failures());
            assertEquals(inWindow.stream().filter(Timed::slow).count(), t.slowCalls());
        }
    }
}
