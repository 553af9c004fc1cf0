package io.dwcp.resilience.transport.internal;

import java.util.HashMap;
import java.util.Map;

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

    private final Map<Long, State> states = new HashMap<>();
    private final Map<Long, Object> handles = new HashMap<>();
    private long[] ring;
    private int head;
    private int size;
    private long forgottenMax = Long.MIN_VALUE;

    DedupWindow(int capacity) {
        ring = new long[capacity];
    }

    Verdict check(long id) {
        if (states.containsKey(id)) {
            return Verdict.DUPLICATE;
        }
        return id <= forgottenMax ? Verdict.STALE : Verdict.NEW;
    }

    /** @return the id's state, or null when the window does not hold it */
    State state(long id) {
        return states.get(id);
    }

    /** Remembers a new id as queued. */
    void record(long id) {
        record(id, State.QUEUED);
    }

    private void record(long id, State state) {
        if (size == ring.length) {
            long oldest = ring[head];
            states.remove(oldest);
            handles.remove(oldest);
            forgottenMax = Math.max(forgottenMax, oldest);
            head = (head + 1) % ring.length;
            size--;
        }
        ring[(head + size) % ring.length] = id;
        size++;
        states.put(id, state);
    }

    /** Moves a remembered id to a new state; an id no longer remembered stays forgotten. */
    void set(long id, State state) {
        states.replace(id, state); // only if remembered, and without a lambda per call
        if (state == State.CONFIRMED || state == State.IN_DOUBT) {
            handles.remove(id);
        }
    }

    /** Sets where the ACK of a not yet confirmed id goes (the connection its latest copy came on). */
    void handle(long id, Object handle) {
        if (states.containsKey(id) && handle != null) {
            handles.put(id, handle);
        }
    }

    /** @return where the ACK of the id goes, or null */
    Object handle(long id) {
        return handles.get(id);
    }

    int size() {
        return size;
    }

    /** @return how many remembered ids are in the given state */
    long count(State state) {
        return states.values().stream().filter(s -> s == state).count();
    }

    /** Changes the capacity, keeping the newest ids. */
    void resize(int capacity) {
        if (capacity == ring.length) {
            return;
        }
        long[] next = new long[capacity];
        int keep = Math.min(size, capacity);
        for (int i = 0; i < size - keep; i++) {
            long oldest = ring[(head + i) % ring.length];
            states.remove(oldest);
            handles.remove(oldest);
            forgottenMax = Math.max(forgottenMax, oldest);
        }
        for (int i = 0; i < keep; i++) {
            next[i] = ring[(head + size - keep + i) % ring.length];
        }
        ring = next;
        head = 0;
        size = keep;
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
            long id = ring[(head + i) % ring.length];
            State s = states.get(id);
            if (s != null && s != State.QUEUED) { // a queued id was never handed over, and is lost with the process anyway
                out.add(id, s == State.CONFIRMED);
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
        if (!states.containsKey(id) && id > forgottenMax) {
            record(id, State.TAKEN);
        }
    }

    void replayConfirmed(long id) {
        if (states.containsKey(id)) {
            states.put(id, State.CONFIRMED);
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
        for (Map.Entry<Long, State> e : states.entrySet()) {
            if (e.getValue() == State.TAKEN) {
                e.setValue(State.IN_DOUBT);
                n++;
            }
        }
        handles.clear();
        return n;
    }
}
