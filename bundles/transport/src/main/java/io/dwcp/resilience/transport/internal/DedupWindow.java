package io.dwcp.resilience.transport.internal;

/**
 * The message ids recently received from one sender, each with where it stands, for de-duplication:
 * a bounded map that forgets the oldest inserted id when full. An id that is not in the window but
 * not above the newest forgotten id is <em>stale</em>: it may have been delivered and forgotten, so it
 * is refused rather than risk a second delivery; the sender then sees a failure, never a silent
 * duplicate.
 *
 * <p>Each remembered id also keeps a reply handle while it is not confirmed: where its ACK goes once
 * the application is done with it (the connection its latest copy came on).
 *
 * <p>Not thread-safe: the caller holds the lock (see {@link InboundQueue}).
 */
final class DedupWindow {

    /** What to do with an arriving id. */
    enum Verdict { NEW, DUPLICATE, STALE }

    /** Where a remembered id stands. */
    enum State {
        /** In the inbound queue, not handed to the application yet; not acknowledged. */
        QUEUED,
        /** Handed to the application, which has not come back for the next message yet; not acknowledged. */
        TAKEN,
        /** The application came back for more after taking it: acknowledged (again, to every resend). */
        CONFIRMED,
        /**
         * Taken before this node restarted and never confirmed: the application may or may not have
         * finished with it. Refused to every resend: delivering it again could be a duplicate,
         * acknowledging it could claim a delivery that did not happen.
         */
        IN_DOUBT
    }

    private static final State[] STATES = State.values();

    // The window as a ring of slots in insertion order (oldest at head): per slot the id, its state
    // (an ordinal) and its reply handle. An open-addressing table (linear probing, Fibonacci hashing)
    // maps an id to its slot: it holds slot + 1, 0 being empty, and the id of an entry is read from the
    // ring. So remembering, looking up and forgetting an id allocate nothing (a HashMap<Long, ...> took
    // a boxed Long and a node per id, twice).
    private long[] ring;
    private byte[] states;
    private Object[] handles;
    private int[] table;
    private int shift;
    private int head;
    private int size;
    private long forgottenMax = Long.MIN_VALUE;

    DedupWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a de-duplication window holds at least one id, not " + capacity);
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        ring = new long[capacity];
        states = new byte[capacity];
        handles = new Object[capacity];
        // at most 3/4 full: the smallest power of two with capacity <= 3/4 of it (at least 16)
        int tableSize = Math.max(16, Integer.highestOneBit((int) Math.min(1 << 30, (capacity * 4L + 2) / 3 - 1)) << 1);
        table = new int[tableSize];
        shift = 64 - Integer.numberOfTrailingZeros(tableSize);
    }

    private int home(long id) {
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** @return the id's ring slot, or -1 when the window does not hold it */
    private int slotOf(long id) {
        int mask = table.length - 1;
        for (int i = home(id);; i = (i + 1) & mask) {
            int e = table[i];
            if (e == 0) {
                return -1;
            }
            if (ring[e - 1] == id) {
                return e - 1;
            }
        }
    }

    private void insert(long id, int slot) {
        int mask = table.length - 1;
        int i = home(id);
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    /** Takes the id out of the table (it is there), closing the gap so that every other id stays reachable. */
    private void remove(long id) {
        int mask = table.length - 1;
        int i = home(id);
        while (ring[table[i] - 1] != id) {
            i = (i + 1) & mask;
        }
        // backward-shift deletion: an entry after the gap moves into it unless its home lies cyclically in (gap, entry]
        for (int j = (i + 1) & mask;; j = (j + 1) & mask) {
            int e = table[j];
            if (e == 0) {
                break;
            }
            int h = home(ring[e - 1]);
            boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!stays) {
                table[i] = e;
                i = j;
            }
        }
        table[i] = 0;
    }

    Verdict check(long id) {
        if (slotOf(id) >= 0) {
            return Verdict.DUPLICATE;
        }
        return id <= forgottenMax ? Verdict.STALE : Verdict.NEW;
    }

    /** @return the id's state, or null when the window does not hold it */
    State state(long id) {
        int slot = slotOf(id);
        return slot < 0 ? null : STATES[states[slot]];
    }

    /** Remembers a new id (one {@link #check} calls NEW) as queued. */
    void record(long id) {
        record(id, State.QUEUED);
    }

    private void record(long id, State state) {
        int known = slotOf(id);
        if (known >= 0) { // not a new id: callers check first, so never; kept to stay a set
            states[known] = (byte) state.ordinal();
            return;
        }
        if (size == ring.length) {
            forgetOldest();
        }
        int slot = (head + size) % ring.length;
        ring[slot] = id;
        states[slot] = (byte) state.ordinal();
        handles[slot] = null;
        insert(id, slot);
        size++;
    }

    private void forgetOldest() {
        long oldest = ring[head];
        remove(oldest);
        handles[head] = null;
        forgottenMax = Math.max(forgottenMax, oldest);
        head = (head + 1) % ring.length;
        size--;
    }

    /** Moves a remembered id to a new state; an id no longer remembered stays forgotten. */
    void set(long id, State state) {
        int slot = slotOf(id);
        if (slot < 0) {
            return;
        }
        states[slot] = (byte) state.ordinal();
        if (state == State.CONFIRMED || state == State.IN_DOUBT) {
            handles[slot] = null;
        }
    }

    /** Sets where the ACK of a not yet confirmed id goes (the connection its latest copy came on). */
    void handle(long id, Object handle) {
        int slot = slotOf(id);
        if (slot >= 0 && handle != null) {
            handles[slot] = handle;
        }
    }

    /** @return where the ACK of the id goes, or null */
    Object handle(long id) {
        int slot = slotOf(id);
        return slot < 0 ? null : handles[slot];
    }

    int size() {
        return size;
    }

    /** @return how many remembered ids are in the given state */
    long count(State state) {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (states[(head + i) % ring.length] == state.ordinal()) {
                n++;
            }
        }
        return n;
    }

    /** Changes the capacity, keeping the newest ids. */
    void resize(int capacity) {
        if (capacity == ring.length) {
            return;
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("a de-duplication window holds at least one id, not " + capacity);
        }
        while (size > capacity) {
            forgetOldest();
        }
        long[] oldRing = ring;
        byte[] oldStates = states;
        Object[] oldHandles = handles;
        int oldHead = head;
        allocate(capacity);
        for (int i = 0; i < size; i++) {
            int from = (oldHead + i) % oldRing.length;
            ring[i] = oldRing[from];
            states[i] = oldStates[from];
            handles[i] = oldHandles[from];
            insert(ring[i], i);
        }
        head = 0;
    }

    // ---- the journal's replay and compaction (InboundJournal)

    /**
     * What a compaction writes of this window, copied so that the file can be written without holding
     * the window's lock: the forgotten bound and the ids handed over (taken, in doubt or confirmed),
     * oldest first. Copied in chunks of {@value HandedOver#CHUNK} ids, so that no allocation is large
     * whatever the window's size (a single array would be a G1 humongous object at the default window
     * on a small heap), and no per-id object.
     */
    HandedOver handedOver() {
        HandedOver out = new HandedOver(forgottenMax != Long.MIN_VALUE, forgottenMax);
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % ring.length;
            State s = STATES[states[slot]];
            if (s != State.QUEUED) { // a queued id was never handed over, and is lost with the process anyway
                out.add(ring[slot], s == State.CONFIRMED);
            }
        }
        return out;
    }

    /** A window as a compaction writes it (see {@link InboundJournal}): a copy, in small chunks. */
    static final class HandedOver {
        static final int CHUNK = 4096;
        private final boolean forgets;
        private final long forgottenMax;
        private final java.util.List<long[]> ids = new java.util.ArrayList<>();
        private final java.util.List<boolean[]> confirmed = new java.util.ArrayList<>();
        private int count;

        HandedOver(boolean forgets, long forgottenMax) {
            this.forgets = forgets;
            this.forgottenMax = forgottenMax;
        }

        private void add(long id, boolean isConfirmed) {
            if (count % CHUNK == 0) {
                ids.add(new long[CHUNK]);
                confirmed.add(new boolean[CHUNK]);
            }
            ids.get(count / CHUNK)[count % CHUNK] = id;
            confirmed.get(count / CHUNK)[count % CHUNK] = isConfirmed;
            count++;
        }

        /** @return whether ids were forgotten (then {@link #forgottenMax} is written as an F line) */
        boolean forgets() {
            return forgets;
        }

        long forgottenMax() {
            return forgottenMax;
        }

        /** @return how many ids were handed over */
        int count() {
            return count;
        }

        long id(int i) {
            return ids.get(i / CHUNK)[i % CHUNK];
        }

        boolean confirmed(int i) {
            return confirmed.get(i / CHUNK)[i % CHUNK];
        }
    }

    void replayTaken(long id) {
        if (slotOf(id) < 0 && id > forgottenMax) {
            record(id, State.TAKEN);
        }
    }

    void replayConfirmed(long id) {
        int slot = slotOf(id);
        if (slot >= 0) {
            states[slot] = (byte) State.CONFIRMED.ordinal();
        } else if (id > forgottenMax) {
            record(id, State.CONFIRMED);
        }
    }

    void forgetUpTo(long id) {
        forgottenMax = Math.max(forgottenMax, id);
    }

    /** After a replay: what was taken and never confirmed is in doubt. @return how many */
    long takenBecomeInDoubt() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % ring.length;
            if (states[slot] == State.TAKEN.ordinal()) {
                states[slot] = (byte) State.IN_DOUBT.ordinal();
                n++;
            }
        }
        java.util.Arrays.fill(handles, null);
        return n;
    }
}
