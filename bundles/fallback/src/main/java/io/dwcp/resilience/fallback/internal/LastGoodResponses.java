package io.dwcp.resilience.fallback.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last successful response of one operation, per peer, for at most {@code maxPeers} peers.
 *
 * <p>The success path records into a slot it already has: one map read and two volatile writes,
 * no allocation, no lock. A peer seen for the first time takes a new slot; past the bound the slot
 * answered least recently is dropped (a scan, on that rare path only). A slot's two fields are
 * written without a lock, so a reader may pair a response with the time of the next one: both are
 * from the last few calls, which is all a fallback promises.
 */
final class LastGoodResponses {

    /** One peer's last response. */
    static final class Slot {
        private volatile Object response;
        private volatile long atNanos;

        Object response() {
            return response;
        }

        long atNanos() {
            return atNanos;
        }
    }

    private final int maxPeers;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    LastGoodResponses(int maxPeers) {
        this.maxPeers = maxPeers;
    }

    /**
     * @param peer     the peer that answered ({@code ""} for none)
     * @param response its response
     * @param atNanos  when the call started (the manager's clock read, no new one)
     */
    void record(String peer, Object response, long atNanos) {
        Slot slot = slots.get(peer);
        if (slot == null) {
            slot = newSlot(peer);
        }
        slot.atNanos = atNanos;
        slot.response = response;
    }

    private synchronized Slot newSlot(String peer) {
        Slot slot = slots.get(peer);
        if (slot != null) {
            return slot;
        }
        if (slots.size() >= maxPeers) {
            String oldest = null;
            long oldestAt = 0;
            for (Map.Entry<String, Slot> e : slots.entrySet()) {
                long at = e.getValue().atNanos;
                if (oldest == null || at - oldestAt < 0) {
                    oldest = e.getKey();
                    oldestAt = at;
                }
            }
            slots.remove(oldest);
        }
        slot = new Slot();
        slots.put(peer, slot);
        return slot;
    }

    /** @return the peer's slot, or {@code null} when it never answered (or was dropped) */
    Slot get(String peer) {
        return slots.get(peer);
    }

    /** @return how many peers have a response kept */
    int size() {
        return slots.size();
    }
}
