package io.dwcp.resilience.dashboard.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent state changes the page draws on its timeline: breaker transitions, degradation levels,
 * health statuses, budget alerts, chaos armed and disarmed. Bounded by count and age.
 */
final class Timeline {

    /**
     * One change.
     *
     * @param timeMillis when (wall clock)
     * @param kind       {@code breaker}, {@code degradation}, {@code health}, {@code slo} or {@code chaos}
     * @param subject    the operation, component, check or budget
     * @param from       the state before (may be empty)
     * @param to         the state after
     * @param reason     why, in words (may be empty)
     */
    record Entry(long timeMillis, String kind, String subject, String from, String to, String reason) {
    }

    private final int capacity;
    private final long maxAgeMillis;
    private final Deque<Entry> entries = new ArrayDeque<>();

    Timeline(int capacity, long maxAgeMillis) {
        this.capacity = capacity;
        this.maxAgeMillis = maxAgeMillis;
    }

    synchronized void add(Entry e) {
        entries.addLast(e);
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /** Writes the entries no older than the maximum age at {@code nowMillis}, oldest first. */
    synchronized void write(Json json, long nowMillis) {
        while (!entries.isEmpty() && entries.peekFirst().timeMillis() < nowMillis - maxAgeMillis) {
            entries.removeFirst();
        }
        json.beginArray();
        for (Entry e : entries) {
            json.beginObject().field("t", e.timeMillis()).field("kind", e.kind()).field("subject", e.subject())
                    .field("from", e.from()).field("to", e.to()).field("reason", e.reason()).endObject();
        }
        json.endArray();
    }
}
