package io.dwcp.resilience.kit;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One cell per writing thread, read by merging them: figures written on the call path by single
 * writers, with plain stores and no atomic instruction (issue 15).
 *
 * <p>A thread asks for its own cell once ({@link #mine()}, under a lock: not for the call path) and
 * keeps it, e.g. in the per-thread observer the manager asks for with
 * {@link io.dwcp.resilience.api.CallObserver#forCaller}; from then on only that thread writes the
 * cell. A reader ({@link #read}, rare: a metrics scrape, an evaluation) visits every cell under
 * the lock. What a cell holds must be readable while its thread writes it: counts written with
 * opaque (or plain 64-bit) stores, so that a read may miss an in-flight record but never sees a
 * torn value, and every count it has seen stays counted.
 *
 * <p>A thread's cell outlives it: when a reader or a new thread finds that a cell's thread has
 * ended, the cell is added into one retired cell (the thread's writes are all visible then: its
 * end happens-before {@link Thread#isAlive()} returning false) and dropped. So threads that come
 * and go keep no memory, and no count is ever lost; after the writers have stopped, a read is
 * exact.
 *
 * @param <C> the cell type
 */
public final class ThreadCells<C> {

    private final Supplier<C> make;
    private final BiConsumer<C, C> addInto;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<Thread, C> live = new IdentityHashMap<>();
    private final C retired;

    /**
     * @param make    makes an empty cell
     * @param addInto adds its first argument's counts into its second (a dead thread's cell into the
     *                retired one, or any cell into a reader's total)
     */
    public ThreadCells(Supplier<C> make, BiConsumer<C, C> addInto) {
        this.make = Objects.requireNonNull(make, "make");
        this.addInto = Objects.requireNonNull(addInto, "addInto");
        this.retired = make.get();
    }

    /**
     * @return the calling thread's cell, made on its first call; only the calling thread may write it
     */
    public C mine() {
        Thread me = Thread.currentThread();
        synchronized (lock) {
            C cell = live.get(me);
            if (cell == null) {
                retireDeadLocked();
                cell = make.get();
                live.put(me, cell);
            }
            return cell;
        }
    }

    /**
     * Visits every cell (the retired one first), under the lock: {@code reader} must only read them.
     *
     * @param reader told each cell in turn
     */
    public void read(Consumer<C> reader) {
        synchronized (lock) {
            retireDeadLocked();
            reader.accept(retired);
            for (C cell : live.values()) {
                reader.accept(cell);
            }
        }
    }

    /** @return the threads that have a cell now (tests: ended threads' cells are retired on a read) */
    public int liveCells() {
        synchronized (lock) {
            return live.size();
        }
    }

    private void retireDeadLocked() {
        if (live.isEmpty()) {
            return;
        }
        List<Thread> dead = null;
        for (Thread t : live.keySet()) {
            if (!t.isAlive()) {
                (dead == null ? dead = new ArrayList<>() : dead).add(t);
            }
        }
        if (dead != null) {
            for (Thread t : dead) {
                addInto.accept(live.remove(t), retired);
            }
        }
    }
}
