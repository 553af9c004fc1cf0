package io.dwcp.resilience.slo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The rings keep a cell per writing thread: whichever writer counts each call (each holds one cell
 * at a time and hands it to its bucket when it moves on), a read equals the same calls recorded into
 * one model, bucket by bucket; recycling a bucket forgets every writer's counts; threads counting at
 * once lose nothing, and their cells are merged once they end.
 */
class ThreadRingsProperties {

    private static final long WIDTH = 1_000L;
    private static final long HIGHEST = 3_600_000_000_000L;
    /** Calls end after this (real wall-clock instants are far from 0; the rings start at no bucket). */
    private static final long BASE = 1_000_000L * WIDTH;

    /** One call: when it ended (bucket offset within the ring's span), which writer, bad, slow, latency. */
    record Rec(long wall, int writer, boolean bad, boolean slow, long latency) {
    }

    @Provide
    Arbitrary<List<Rec>> calls() {
        Arbitrary<Rec> rec = Combinators.combine(
                Arbitraries.longs().between(0, 40 * WIDTH), // 40 buckets over a ring of 16: recycling happens
                Arbitraries.integers().between(0, 8), // 8: the shared path, no writer
                Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.longs().between(0, HIGHEST)).as(Rec::new);
        return rec.list().ofMaxSize(300);
    }

    @Property(tries = 200)
    void fineRingReadsEqualAModel(@ForAll("calls") List<Rec> calls) {
        FineRing ring = new FineRing(WIDTH, 16);
        FineRing.Writer[] writers = new FineRing.Writer[8];
        for (int w = 0; w < writers.length; w++) {
            writers[w] = ring.writer();
        }
        long[][] model = new long[16][3];
        long[] modelEpoch = new long[16];
        java.util.Arrays.fill(modelEpoch, FineRing.EMPTY);
        long now = BASE;
        for (Rec r : calls) {
            now = Math.max(now, BASE + r.wall()); // time moves forward: a call ends at or after the last one
            if (r.writer() < writers.length) {
                writers[r.writer()].record(now, r.bad(), r.slow());
            } else {
                ring.record(now, r.bad(), r.slow());
            }
            long e = now / WIDTH;
            int i = (int) e & 15;
            if (modelEpoch[i] != e) {
                modelEpoch[i] = e;
                model[i] = new long[3];
            }
            model[i][0]++;
            model[i][1] += r.bad() ? 1 : 0;
            model[i][2] += r.slow() ? 1 : 0;
        }
        for (int i = 0; i < 16; i++) {
            assertEquals(modelEpoch[i], ring.stamp(i), "stamp of slot " + i);
            assertEquals(model[i][0], ring.total(i), "total of slot " + i);
            assertEquals(model[i][1], ring.bad(i), "bad of slot " + i);
            assertEquals(model[i][2], ring.slow(i), "slow of slot " + i);
        }
    }

    @Property(tries = 100)
    void latencyRingReadsEqualAModel(@ForAll("calls") List<Rec> calls) {
        LatencyRing ring = new LatencyRing(WIDTH, 16, HIGHEST, 2);
        LatencyRing.Writer[] writers = new LatencyRing.Writer[8];
        for (int w = 0; w < writers.length; w++) {
            writers[w] = ring.writer();
        }
        Histogram[] model = new Histogram[16];
        long[] modelEpoch = new long[16];
        java.util.Arrays.fill(modelEpoch, FineRing.EMPTY);
        long now = BASE;
        for (Rec r : calls) {
            now = Math.max(now, BASE + r.wall());
            if (r.writer() < writers.length) {
                writers[r.writer()].record(now, r.latency());
            } else {
                ring.record(now, r.latency());
            }
            long e = now / WIDTH;
            int i = (int) e & 15;
            if (modelEpoch[i] != e) {
                modelEpoch[i] = e;
                model[i] = new Histogram(LatencyRing.LOWEST_DISCERNIBLE_NANOS, HIGHEST, 2);
            }
            model[i].recordValue(Math.max(LatencyRing.LOWEST_DISCERNIBLE_NANOS, r.latency())); // the ring's floor
        }
        for (int i = 0; i < 16; i++) {
            assertEquals(modelEpoch[i], ring.stamp(i), "stamp of slot " + i);
            Histogram expected = model[i] == null ? new Histogram(LatencyRing.LOWEST_DISCERNIBLE_NANOS, HIGHEST, 2)
                    : model[i];
            assertEquals(expected.getTotalCount(), ring.totalCount(i), "count of slot " + i);
            // bucket by bucket (Histogram.equals and getMaxValue also compare extremes that add()
            // rounds to the unit magnitude for values below the lowest discernible one)
            assertEquals(counts(expected), counts(ring.copy(i)), "every latency bucket of slot " + i);
            assertEquals(expected.getValueAtPercentile(95), ring.copy(i).getValueAtPercentile(95), "P95 of slot " + i);
        }
    }

    private static List<String> counts(Histogram h) {
        List<String> out = new java.util.ArrayList<>();
        h.recordedValues().forEach(v -> out.add(v.getValueIteratedTo() + "x" + v.getCountAtValueIteratedTo()));
        return out;
    }

    /**
     * The first write of a ring, in the first bucket after the clock's zero: the striped rings' fast
     * path compared against the "no epoch yet" sentinel, whose product with the width overflowed to
     * 0, and counted the call in slot 0 under the EMPTY stamp, where no read finds it as that bucket.
     */
    @Test
    void theFirstWriteIntoAFreshRingLandsInItsOwnBucket() {
        FineRing fine = new FineRing(WIDTH, 16);
        FineRing.Writer writer = fine.writer();
        writer.record(WIDTH / 2, true, false);
        assertEquals(0, fine.stamp(0), "the first bucket's slot is stamped with its epoch");
        assertEquals(1, fine.total(0));
        assertEquals(1, fine.bad(0));
        writer.record(WIDTH + 1, false, false);
        assertEquals(1, fine.stamp(1));
        assertEquals(1, fine.total(1));
        assertEquals(1, fine.total(0), "the first bucket keeps its count after the writer moved on");

        LatencyRing latency = new LatencyRing(WIDTH, 16, HIGHEST, 2);
        latency.writer().record(WIDTH / 2, 5_000L);
        assertEquals(0, latency.stamp(0), "the first bucket's slot is stamped with its epoch");
        assertEquals(1, latency.totalCount(0));
    }

    @Test
    void threadsCountingAtOnceLoseNothingAndTheirCellsAreMergedWhenTheyEnd() throws InterruptedException {
        FineRing fine = new FineRing(WIDTH, 4); // one bucket for the whole test: every call ends at BASE
        LatencyRing latency = new LatencyRing(WIDTH, 4, HIGHEST, 2);
        int slot = (int) (BASE / WIDTH) & 3;
        Thread[] threads = new Thread[6];
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int t = 0; t < threads.length; t++) {
            long value = 10_000L * (t + 1);
            threads[t] = new Thread(() -> {
                FineRing.Writer f = fine.writer();
                LatencyRing.Writer l = latency.writer();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    f.record(BASE, i % 2 == 0, i % 5 == 0);
                    l.record(BASE, value);
                }
            });
            threads[t].start();
        }
        go.countDown();
        long last = 0;
        boolean running = true;
        while (running) { // reads racing the writers never go backwards, nor past the end
            long now = fine.total(slot);
            assertTrue(now >= last && now <= 20_000L * threads.length, now + " after " + last);
            last = now;
            running = false;
            for (Thread t : threads) {
                running |= t.isAlive();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(20_000L * threads.length, fine.total(slot));
        assertEquals(10_000L * threads.length, fine.bad(slot));
        assertEquals(4_000L * threads.length, fine.slow(slot));
        assertEquals(0, fine.writersIn(slot), "the ended threads' cells were merged by the read");
        Histogram merged = latency.copy(slot);
        assertEquals(20_000L * threads.length, merged.getTotalCount());
        for (int t = 0; t < threads.length; t++) {
            assertEquals(20_000L, merged.getCountAtValue(10_000L * (t + 1)), "thread " + t + "'s latencies");
        }
    }
}
