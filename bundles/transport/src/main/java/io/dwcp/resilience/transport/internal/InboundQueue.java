package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.transport.internal.DedupWindow.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The node's inbound queue, its per-sender de-duplication windows and (when the node has a data area)
 * their journal. It outlives the network engine: a reconfiguration that rebuilds listeners and
 * connections keeps the messages queued here.
 *
 * <p>The delivery guarantee lives here (docs/transport.md, "Delivery guarantees"). A message is
 * acknowledged only once the application is done with it, which is when the thread that took it
 * comes back to {@code receive} (or ends its call chain): so an ACK means "handed over and finished
 * with", and a node killed at any moment never leaves a sender believing a message arrived that did
 * not. Every hand-over is journaled before it happens and every confirmation before its ACK, so a
 * restarted node acknowledges resends of what it confirmed and refuses resends of what it handed over
 * without a confirmation (in doubt), delivering neither twice.
 *
 * <p>{@link #offer} decides and records under one lock per sender, so the same id arriving on two
 * streams at once (a resend racing the original) is queued once. The journal has its own lock.
 */
final class InboundQueue {

    /** What happened to an arriving DATA message. */
    enum Admission {
        /** New: queued; its ACK goes out once the application is done with it. */
        QUEUED,
        /** A resend of a message queued or handed over, not yet confirmed: its ACK goes out on confirmation. */
        PENDING,
        /** A resend of a confirmed message: acknowledge again, deliver nothing. */
        DUPLICATE,
        /** A resend of a message handed over before a restart and never confirmed: refuse. */
        IN_DOUBT,
        /** Older than every id the window remembers: refuse (it may have been delivered and forgotten). */
        STALE,
        /** The queue is full: no ACK, the sender sees back-pressure. */
        FULL
    }

    /** Sends the ACK of a confirmed message: on the handle (the connection its latest copy came on) or any other. */
    interface Acknowledger {
        void ack(String sender, long id, Object handle);
    }

    private final LinkedBlockingDeque<InboundMessage> queue = new LinkedBlockingDeque<>();
    private final Map<String, DedupWindow> windows;
    private final InboundJournal journal;
    /** The message each application thread took last and has not confirmed yet. */
    private final ThreadLocal<InboundMessage> heldByThread = new ThreadLocal<>();
    private volatile int capacity;
    private volatile int windowSize;

    /** A queue that forgets everything with the process (no data area: tests, a framework without storage). */
    InboundQueue(int capacity, int windowSize) {
        this(capacity, windowSize, new ConcurrentHashMap<>(), null);
    }

    private InboundQueue(int capacity, int windowSize, Map<String, DedupWindow> windows, InboundJournal journal) {
        this.capacity = capacity;
        this.windowSize = windowSize;
        this.windows = windows;
        this.journal = journal;
    }

    /**
     * A queue whose windows are rebuilt from, and kept in, a journal file.
     *
     * @return the queue and what the replay found
     */
    static Opened open(int capacity, int windowSize, java.nio.file.Path journalFile) throws IOException {
        InboundJournal.Loaded loaded = InboundJournal.load(journalFile, windowSize);
        Map<String, DedupWindow> windows = new ConcurrentHashMap<>(loaded.windows());
        for (DedupWindow w : windows.values()) {
            w.resize(windowSize);
        }
        return new Opened(new InboundQueue(capacity, windowSize, windows, loaded.journal()), loaded);
    }

    /** A journaled queue and what its journal held. */
    record Opened(InboundQueue queue, InboundJournal.Loaded loaded) {
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

    private DedupWindow window(String sender) {
        // every offer, take and confirmation asks: a known sender without the shared monitor or a lambda
        DedupWindow known = windows.get(sender);
        if (known != null) {
            return known;
        }
        synchronized (windows) {
            return windows.computeIfAbsent(sender, s -> new DedupWindow(windowSize));
        }
    }

    /**
     * Admits an arriving DATA message.
     *
     * @param replyTo where its ACK goes on confirmation (the connection it came on)
     */
    Admission offer(String sender, long id, byte[] payload, Object replyTo) {
        DedupWindow window = window(sender);
        synchronized (window) {
            State state = window.state(id);
            if (state != null) {
                switch (state) {
                    case CONFIRMED:
                        return Admission.DUPLICATE;
                    case IN_DOUBT:
                        return Admission.IN_DOUBT;
                    default:
                        window.handle(id, replyTo); // the original's connection may be gone: ACK on this one
                        return Admission.PENDING;
                }
            }
            if (window.check(id) == DedupWindow.Verdict.STALE) {
                return Admission.STALE;
            }
            // Checked and added under the window's lock; senders of other ids may race past the
            // capacity by at most one message each, which is a bound, not a loss.
            if (queue.size() >= capacity) {
                return Admission.FULL;
            }
            window.record(id);
            window.handle(id, replyTo);
            queue.add(new InboundMessage(sender, id, payload));
            return Admission.QUEUED;
        }
    }

    /**
     * The raw receive of {@code DWCPTransport.receive}: confirms what the calling thread took last,
     * then takes the next message and holds it for this thread.
     */
    Optional<InboundMessage> receive(long deadlineNanos, Acknowledger acks) throws InterruptedException {
        confirmHeld(acks);
        Optional<InboundMessage> m = take(deadlineNanos);
        if (m.isPresent()) {
            hold(m.get());
        }
        return m;
    }

    /** The calling thread came back: it is done with the message it took last, which is acknowledged now (unless it was already). */
    void confirmHeld(Acknowledger acks) {
        InboundMessage held = heldByThread.get();
        if (held != null) {
            heldByThread.set(null); // not remove(): the thread's entry stays, so the next hold allocates none
            confirm(held, acks, true);
        }
    }

    /** What {@link #acknowledge} found. */
    enum Acknowledged {
        /** Confirmed and acknowledged by this call. */
        NOW,
        /** Confirmed before (its taker came back to {@code receive}, or it was acknowledged already): nothing done. */
        ALREADY,
        /** Not handed over by this node: never received here, queued again, or older than the de-duplication window. */
        NOT_TAKEN,
        /** Handed over before the transport restarted and never confirmed: its resends are refused, it cannot be acknowledged. */
        IN_DOUBT
    }

    /**
     * The application says it is done with a message it took: journal and acknowledge it now, from any
     * thread, without waiting for its taker to come back to {@code receive}. Idempotent: the taker's
     * next {@code receive} does not acknowledge it again.
     */
    Acknowledged acknowledge(InboundMessage m, Acknowledger acks) {
        InboundMessage held = heldByThread.get();
        boolean heldHere = held != null && held.sender().equals(m.sender()) && held.messageId() == m.messageId();
        if (heldHere) {
            heldByThread.set(null);
        }
        return confirm(m, acks, heldHere);
    }

    /** The calling thread (the application's) now holds this message until it comes back. */
    void hold(InboundMessage message) {
        heldByThread.set(message);
    }

    /**
     * Takes the next message, journaling the hand-over first.
     *
     * @throws UncheckedIOException when the journal cannot be written; the message stays queued
     */
    Optional<InboundMessage> take(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        InboundMessage m = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (m == null) {
            return Optional.empty();
        }
        DedupWindow window = window(m.sender());
        if (journal == null) {
            synchronized (window) {
                window.set(m.messageId(), State.TAKEN);
            }
            return Optional.of(m);
        }
        // line and state change together under the journal's lock, so a compaction sees both or neither
        synchronized (journal) {
            try {
                journal.taken(m.sender(), m.messageId());
            } catch (IOException e) {
                queue.addFirst(m);
                throw new UncheckedIOException("the inbound journal " + journal.file() + " cannot be written, so no message is handed "
                        + "over (a restart could deliver it twice): " + e.getMessage(), e);
            }
            synchronized (window) {
                window.set(m.messageId(), State.TAKEN);
            }
        }
        return Optional.of(m);
    }

    /** A message taken but not handed to the application after all (its call chain failed): first in line again. */
    void putBack(InboundMessage m) {
        DedupWindow window = window(m.sender());
        synchronized (window) {
            window.set(m.messageId(), State.QUEUED);
        }
        queue.addFirst(m);
    }

    /**
     * The application is done with a message: journal it, then acknowledge it. When the journal cannot
     * be written, no ACK goes out: the sender sees a failure, never an acknowledgement a restart could
     * contradict. Only a message in state TAKEN is confirmed, so a message confirmed twice (an explicit
     * acknowledgement, then its taker's next receive) is journaled and acknowledged once.
     *
     * @param knownTaken the caller knows this node handed the message over (its taker holds it): then an
     *                   id the window no longer remembers (pushed out by newer ones) is acknowledged still
     */
    private Acknowledged confirm(InboundMessage m, Acknowledger acks, boolean knownTaken) {
        Object handle;
        DedupWindow window = window(m.sender());
        if (journal == null) {
            synchronized (window) {
                Acknowledged verdict = confirmable(window.state(m.messageId()), knownTaken);
                if (verdict != Acknowledged.NOW) {
                    return verdict;
                }
                handle = window.handle(m.messageId());
                window.set(m.messageId(), State.CONFIRMED);
            }
        } else {
            synchronized (journal) {
                synchronized (window) {
                    Acknowledged verdict = confirmable(window.state(m.messageId()), knownTaken);
                    if (verdict != Acknowledged.NOW) {
                        return verdict;
                    }
                }
                try {
                    journal.confirmed(m.sender(), m.messageId());
                } catch (IOException e) {
                    throw new UncheckedIOException("the inbound journal " + journal.file() + " cannot be written, so message "
                            + m.messageId() + " from " + m.sender() + " is not acknowledged: " + e.getMessage(), e);
                }
                synchronized (window) {
                    handle = window.handle(m.messageId());
                    window.set(m.messageId(), State.CONFIRMED);
                }
                if (journal.compactionDue(windows)) {
                    try {
                        compactLocked();
                    } catch (IOException e) {
                        // the old journal is whole (the rewrite goes to a file beside it): keep appending to it
                    }
                }
            }
        }
        acks.ack(m.sender(), m.messageId(), handle);
        return Acknowledged.NOW;
    }

    /**
     * {@code DWCPTransport.acknowledge}: {@link #acknowledge}, its outcome as the API words it.
     *
     * @return whether this call acknowledged the message
     */
    boolean acknowledgeForApplication(InboundMessage m, Acknowledger acks) {
        java.util.Objects.requireNonNull(m, "message");
        Acknowledged a;
        try {
            a = acknowledge(m, acks);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return switch (a) {
            case NOW -> true;
            case ALREADY -> false;
            case NOT_TAKEN -> throw new IllegalArgumentException("message " + m.messageId() + " from " + m.sender()
                    + " was not handed over by this node's receive (never received here, or older than the " + windowSize
                    + " ids the de-duplication window remembers per sender): nothing to acknowledge");
            case IN_DOUBT -> throw new IllegalStateException("message " + m.messageId() + " from " + m.sender()
                    + " was taken before the transport restarted and is in doubt: its resends are refused, it cannot be acknowledged");
        };
    }

    /** Whether a message in this state is confirmed now; the caller holds the window's lock. */
    private static Acknowledged confirmable(State state, boolean knownTaken) {
        if (state == null) {
            return knownTaken ? Acknowledged.NOW : Acknowledged.NOT_TAKEN;
        }
        return switch (state) {
            case TAKEN -> Acknowledged.NOW;
            case CONFIRMED -> Acknowledged.ALREADY;
            case IN_DOUBT -> Acknowledged.IN_DOUBT;
            case QUEUED -> Acknowledged.NOT_TAKEN;
        };
    }

    /** Rewrites the journal from the windows; the caller holds the journal's lock. */
    private void compactLocked() throws IOException {
        Map<String, DedupWindow> copy;
        synchronized (windows) {
            copy = new TreeMap<>(windows);
        }
        // each window under its own lock in turn: a message confirmed meanwhile is appended after the
        // rewrite (the journal's lock is held), so no line is lost; copied in small chunks (HandedOver)
        Map<String, DedupWindow.HandedOver> snapshot = new TreeMap<>();
        for (Map.Entry<String, DedupWindow> e : copy.entrySet()) {
            synchronized (e.getValue()) {
                snapshot.put(e.getKey(), e.getValue().handedOver());
            }
        }
        journal.compact(snapshot);
    }

    /** @return the message the calling thread holds (took and has not come back from), for tests */
    Optional<InboundMessage> held() {
        return Optional.ofNullable(heldByThread.get());
    }

    int size() {
        return queue.size();
    }

    void close() {
        if (journal != null) {
            synchronized (journal) {
                try {
                    journal.close();
                } catch (IOException e) {
                    // closing an append-only file: nothing is lost that was written
                }
            }
        }
    }
}
