package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Single-writer cells merged on read: whichever threads wrote what, and whether they still run or
 * have ended, a read equals one sequential count of the same records; a read racing the writers
 * never goes backwards, and once they stop it is exact.
 */
class ThreadCellsProperties {

    /** A cell as the call path uses one: counts written by one thread, read by others. */
    static final class Counts {
        volatile long calls; // volatile only so the racing read in the hammer sees progress; one writer
        volatile long sum;

        void record(long value) {
            calls = calls + 1; // a read-modify-write without an atomic instruction: one writer only
            sum = sum + value;
        }

        static void addInto(Counts from, Counts into) {
            into.calls += from.calls;
            into.sum += from.sum;
        }
    }

    private static long[] read(ThreadCells<Counts> cells) {
        long[] total = new long[2];
        cells.read(c -> {
            total[0] += c.calls;
            total[1] += c.sum;
        });
        return total;
    }

    @Property(tries = 60)
    void aReadEqualsTheSequentialCountWhetherTheWritersRunOrEnded(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 5) Integer> writers,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 1_000) Integer> values,
            @ForAll Set<@IntRange(min = 0, max = 5) Integer> ended) throws Exception {
        ThreadCells<Counts> cells = new ThreadCells<>(Counts::new, Counts::addInto);
        int n = Math.min(writers.size(), values.size());
        long calls = n;
        long sum = 0;
        List<List<Integer>> byWriter = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            byWriter.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            byWriter.get(writers.get(i)).add(values.get(i));
            sum += values.get(i);
        }
        CountDownLatch recorded = new CountDownLatch(6);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            List<Integer> mine = byWriter.get(w);
            boolean ends = ended.contains(w);
            Thread t = new Thread(() -> {
                Counts cell = cells.mine();
                for (int v : mine) {
                    cell.record(v);
                }
                recorded.countDown();
                if (!ends) {
                    try {
                        release.await(); // still running while the test reads
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        assertTrue(recorded.await(60, TimeUnit.SECONDS));
        for (int w = 0; w < 6; w++) {
            if (ended.contains(w)) {
                threads.get(w).join(); // ended: its cell must be kept, then retired
            }
        }
        long[] total = read(cells);
        assertEquals(calls, total[0], "calls");
        assertEquals(sum, total[1], "sum");
        assertEquals(6 - ended.size(), cells.liveCells(), "ended threads' cells are retired by a read");
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        total = read(cells);
        assertEquals(calls, total[0], "calls after every writer ended");
        assertEquals(sum, total[1], "sum after every writer ended");
        assertEquals(0, cells.liveCells());
    }

    @Example
    void aThreadKeepsItsCellAndANewThreadGetsItsOwn() throws Exception {
        ThreadCells<Counts> cells = new ThreadCells<>(Counts::new, Counts::addInto);
        Counts mine = cells.mine();
        assertTrue(mine == cells.mine(), "the same cell on the same thread");
        AtomicReference<Counts> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(cells.mine()));
        t.start();
        t.join();
        assertTrue(other.get() != mine, "another thread's cell");
    }

    /** Four writers, each its own cell, a reader racing them: totals never shrink, and are exact after. */
    @Example
    void hammer() throws Exception {
        ThreadCells<Counts> cells = new ThreadCells<>(Counts::new, Counts::addInto);
        int writers = 4;
        int perWriter = 200_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                Counts cell = cells.mine();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perWriter; i++) {
                    cell.record(3);
                }
            });
            threads.add(t);
            t.start();
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> readerSaw = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (writing.get()) {
                long[] now = read(cells);
                if (now[0] < last || now[0] > (long) writers * perWriter) {
                    readerSaw.set("read " + now[0] + " calls after " + last);
                    return;
                }
                last = now[0];
            }
        });
        reader.start();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        writing.set(false);
        reader.join();
        assertEquals(null, readerSaw.get());
        long[] total = read(cells);
        assertEquals((long) writers * perWriter, total[0]);
        assertEquals(3L * writers * perWriter, total[1]);
        assertEquals(0, cells.liveCells());
    }
}
