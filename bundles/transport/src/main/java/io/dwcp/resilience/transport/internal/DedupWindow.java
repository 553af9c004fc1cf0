package io.dwcp.resilience.transport.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The message ids recently delivered from one sender, for de-duplication: a bounded set that forgets
 * the oldest inserted id when full. An id that is not in the set but not above the newest forgotten id
 * is <em>stale</em>: it may have been delivered and forgotten, so it is refused (not acknowledged)
 * rather than risk a second delivery; the sender then sees a failure, never a silent duplicate.
 * Not thread-safe: the caller holds the lock (see {@link InboundQueue}).
 */
final class DedupWindow {

    /** What to do with an arriving id. */
    enum Verdict { NEW, DUPLICATE, STALE }

    private final Set<Long> ids = new HashSet<>();
    private long[] ring;
    private int head;
    private int size;
    private long forgottenMax = Long.MIN_VALUE;

    DedupWindow(int capacity) {
        ring = new long[capacity];
    }

    Verdict check(long id) {
        if (ids.contains(id)) {
            return Verdict.DUPLICATE;
        }
        return id <= forgottenMax ? Verdict.STALE : Verdict.NEW;
    }

    void record(long id) {
        if (size == ring.length) {
            long oldest = ring[head];
            ids.remove(oldest);
            forgottenMax = Math.max(forgottenMax, oldest);
            head = (head + 1) % ring.length;
            size--;
        }
        ring[(head + size) % ring.length] = id;
        size++;
        ids.add(id);
    }

    int size() {
        return size;
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
            ids.remove(oldest);
            forgottenMax = Math.max(forgottenMax, oldest);
        }
        for (int i = 0; i < keep; i++) {
            next[i] = ring[(head + size - keep + i) % ring.length];
        }
        ring = next;
        head = 0;
        size = keep;
    }
}
