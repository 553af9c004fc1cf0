package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.InboundMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The node's inbound queue and its per-sender de-duplication windows. It outlives the network
 * engine: a reconfiguration that rebuilds listeners and connections keeps the messages queued here.
 *
 * <p>{@link #offer} decides and records under one lock per sender, so the same id arriving on two
 * streams at once (a resend racing the original) is delivered once.
 */
final class InboundQueue {

    /** What happened to an arriving DATA message. */
    enum Admission { QUEUED, DUPLICATE, STALE, FULL }

    private final LinkedBlockingQueue<InboundMessage> queue = new LinkedBlockingQueue<>();
    private final Map<String, DedupWindow> windows = new HashMap<>();
    private volatile int capacity;
    private volatile int windowSize;

    InboundQueue(int capacity, int windowSize) {
        this.capacity = capacity;
        this.windowSize = windowSize;
    }

    void resize(int newCapacity, int newWindowSize) {
        capacity = newCapacity;
        synchronized (windows) {
            windowSize = newWindowSize;
            for (DedupWindow w : windows.values()) {
                synchronized (w) {
                    w.resize(newWindowSize);
                }
            }
        }
    }

    Admission offer(String sender, long id, byte[] payload) {
        DedupWindow window;
        synchronized (windows) {
            window = windows.computeIfAbsent(sender, s -> new DedupWindow(windowSize));
        }
        synchronized (window) {
            switch (window.check(id)) {
                case DUPLICATE:
                    return Admission.DUPLICATE;
                case STALE:
                    return Admission.STALE;
                default:
                    break;
            }
            // Checked and added under the window's lock; senders of other ids may race past the
            // capacity by at most one message each, which is a bound, not a loss.
            if (queue.size() >= capacity) {
                return Admission.FULL;
            }
            queue.add(new InboundMessage(sender, id, payload));
            window.record(id);
            return Admission.QUEUED;
        }
    }

    /** @return the next message, waiting until the deadline for one */
    Optional<InboundMessage> poll(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        InboundMessage m = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        return Optional.ofNullable(m);
    }

    int size() {
        return queue.size();
    }
}
