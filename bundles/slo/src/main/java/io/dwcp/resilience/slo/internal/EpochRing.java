package io.dwcp.resilience.slo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;
import java.util.function.Supplier;

/**
 * Figures in fixed-width time buckets, each calling thread writing its own cell of the current
 * bucket with plain stores, no atomic instruction (issue 15); the shape under {@link FineRing} and
 * {@link LatencyRing}.
 *
 * <p>A bucket is a slot of the ring, chosen by the bucket's epoch (wall time divided by the width)
 * masked to the ring size, and holding that epoch's bucket until a later epoch needs the slot. A
 * bucket holds one merged cell and the cells of the threads writing into it now. A thread's
 * {@link Writer} takes a cell of the bucket its call ended in, under the ring's lock, when the
 * call's bucket differs from the one it wrote last (once per thread and bucket width); it then
 * writes that cell alone, lock-free. When it moves to another bucket it adds its cell into that
 * bucket's merged cell and lets it go, so a thread holds one cell at a time.
 *
 * <p>Reads take the lock (rare: the evaluation, a metrics read, saving state) and add the merged
 * cell and the threads' cells up; a read racing a writer may miss its records in flight, never
 * more. A cell whose thread has ended is added into the merged cell on a read (the thread's writes
 * are all visible once {@link Thread#isAlive()} says it ended). Counts added by the lock holder
 * ({@link #add}: restored state, and callers without a writer) go into the merged cell.
 *
 * @param <C> a cell: counts one thread writes, readable (opaque or 64-bit plain) while it writes
 */
final class EpochRing<C> {

    /** Stamp of a slot that has never held a bucket. */
    static final long EMPTY = -1L;

    private final long widthNanos;
    private final int mask;
    private final Supplier<C> make;
    private final BiConsumer<C, C> addInto;
    // Guarded by this.
    private final Bucket<C>[] buckets;

    /** One epoch's counts: the merged cell and the cells its writers hold now. */
    private static final class Bucket<C> {
        final long epoch;
        final C merged;
        final List<C> cells = new ArrayList<>(2);
        final List<Thread> owners = new ArrayList<>(2);

        Bucket(long epoch, C merged) {
            this.epoch = epoch;
            this.merged = merged;
        }
    }

    /**
     * @param widthNanos width of one bucket
     * @param minBuckets buckets the ring must hold at least (rounded up to a power of two)
     * @param make       makes an empty cell
     * @param addInto    adds its first argument's counts into its second
     */
    @SuppressWarnings("unchecked")
    EpochRing(long widthNanos, int minBuckets, Supplier<C> make, BiConsumer<C, C> addInto) {
        this.widthNanos = widthNanos;
        int size = Integer.highestOneBit(Math.max(2, minBuckets) - 1) << 1;
        this.mask = size - 1;
        this.make = make;
        this.addInto = addInto;
        this.buckets = new Bucket[size];
    }

    /**
     * One thread's writer: the cell of the bucket it writes into now. Only the thread that made it
     * may use it.
     */
    final class Writer {
        private final Thread owner = Thread.currentThread();
        private Bucket<C> bucket;
        private C cell;
        private long start;

        /**
         * @param wallNanos when the call ended, wall-clock nanoseconds since the epoch
         * @return the cell to count that call in, or {@code null} when its bucket has left the ring
         */
        C cellFor(long wallNanos) {
            C c = cell;
            if (c != null) {
                long into = wallNanos - start;
                if (into >= 0 && into < widthNanos) {
                    return c;
                }
            }
            return move(wallNanos);
        }

        private C move(long wallNanos) {
            long epoch = Math.floorDiv(wallNanos, widthNanos);
            synchronized (EpochRing.this) {
                release();
                Bucket<C> b = bucketLocked(epoch);
                if (b == null) {
                    return null; // older than the ring holds: no bucket to count it in
                }
                C c = make.get();
                b.cells.add(c);
                b.owners.add(owner);
                bucket = b;
                cell = c;
                start = epoch * widthNanos;
                return c;
            }
        }

        /** Hands the cell held so far to its bucket's merged cell (if the bucket is still in the ring). */
        private void release() {
            Bucket<C> b = bucket;
            if (b != null) {
                for (int k = 0; k < b.cells.size(); k++) {
                    if (b.cells.get(k) == cell) {
                        addInto.accept(cell, b.merged);
                        b.cells.remove(k);
                        b.owners.remove(k);
                        break;
                    }
                }
            }
            bucket = null;
            cell = null;
        }
    }

    /** @return a writer for the calling thread */
    Writer writer() {
        return new Writer();
    }

    /** @return the bucket of {@code epoch}, recycling its slot if that held an older one; null if it holds a newer one */
    private Bucket<C> bucketLocked(long epoch) {
        int i = (int) epoch & mask;
        Bucket<C> b = buckets[i];
        if (b == null || b.epoch < epoch) {
            b = new Bucket<>(epoch, make.get()); // the older bucket's cells go with it
            buckets[i] = b;
        } else if (b.epoch > epoch) {
            return null;
        }
        return b;
    }

    /**
     * Adds counts to the bucket of {@code epoch}: restored state, or a caller without a writer.
     *
     * @return whether the slot could take them (false when it holds a newer bucket)
     */
    synchronized boolean add(long epoch, C counts) {
        Bucket<C> b = bucketLocked(epoch);
        if (b == null) {
            return false;
        }
        addInto.accept(counts, b.merged);
        return true;
    }

    /**
     * Writes one record into the merged cell of the bucket of {@code epoch}, under the lock: for a
     * caller without a writer.
     *
     * @param write   what to do to the cell ({@code value} its argument)
     * @return whether the slot could take it (false when it holds a newer bucket)
     */
    synchronized boolean update(long epoch, ObjLongConsumer<C> write, long value) {
        Bucket<C> b = bucketLocked(epoch);
        if (b == null) {
            return false;
        }
        write.accept(b.merged, value);
        return true;
    }

    long widthNanos() {
        return widthNanos;
    }

    int size() {
        return mask + 1;
    }

    /** @return the epoch of the bucket in slot {@code i}, or {@link #EMPTY} when it has held none */
    synchronized long stamp(int i) {
        Bucket<C> b = buckets[i];
        return b == null ? EMPTY : b.epoch;
    }

    /**
     * Visits slot {@code i}'s cells (none when it has held no bucket), under the lock: {@code reader}
     * must only read them. Cells of ended threads are merged first.
     */
    synchronized void read(int i, Consumer<C> reader) {
        Bucket<C> b = liveBucketLocked(i);
        if (b == null) {
            return;
        }
        reader.accept(b.merged);
        for (C c : b.cells) {
            reader.accept(c);
        }
    }

    /**
     * @param count what to take from each cell (a non-capturing function: reads allocate nothing)
     * @return slot {@code i}'s cells' counts added up, 0 when it has held no bucket
     */
    synchronized long sum(int i, ToLongFunction<C> count) {
        Bucket<C> b = liveBucketLocked(i);
        if (b == null) {
            return 0;
        }
        long sum = count.applyAsLong(b.merged);
        for (C c : b.cells) {
            sum += count.applyAsLong(c);
        }
        return sum;
    }

    /** @return slot {@code i}'s bucket with the cells of ended threads merged, or null */
    private Bucket<C> liveBucketLocked(int i) {
        Bucket<C> b = buckets[i];
        if (b != null) {
            for (int k = b.owners.size() - 1; k >= 0; k--) {
                if (!b.owners.get(k).isAlive()) {
                    addInto.accept(b.cells.get(k), b.merged);
                    b.cells.remove(k);
                    b.owners.remove(k);
                }
            }
        }
        return b;
    }

    /** @return how many threads hold a cell of slot {@code i} now (tests) */
    synchronized int writersIn(int i) {
        Bucket<C> b = buckets[i];
        return b == null ? 0 : b.cells.size();
    }
}
