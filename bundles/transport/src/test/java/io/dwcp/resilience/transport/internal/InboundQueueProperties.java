package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.transport.internal.InboundQueue.Admission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The delivery guarantee of the receiving side as a state machine: random arrivals and resends of a
 * few message ids from two senders, the application taking messages and coming back, and crashes
 * (the process dies: the queue and what the application held are gone, the journal stays, and the
 * node reopens from it). Whatever the sequence:
 *
 * <ul>
 *   <li>no id is handed to the application twice, across any number of crashes;</li>
 *   <li>every ACK (sent on confirmation, or at once to a resend) is for an id the application took
 *       and came back from, so an acknowledged message was delivered;</li>
 *   <li>an id is refused as in doubt only if it was handed over and not confirmed before a crash.</li>
 * </ul>
 * And when nothing crashes, every offered id is eventually delivered and acknowledged.
 */
class InboundQueueProperties {

    private static final int IDS = 12;
    private static final int WINDOW = 1_000;

    private Path dir;

    @BeforeProperty
    void createDir() throws IOException {
        dir = Files.createTempDirectory("inbound-journal");
    }

    @AfterProperty
    void deleteDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One step: 0-11 a message (sender a or b, id 1-6) arrives, 12 take, 13 come back, 14 crash,
     * 15 the application acknowledges what it holds ({@code acknowledge}) on its own thread, 16 on
     * another thread (a worker it handed the message to).
     */
    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 16).list().ofMinSize(1).ofMaxSize(80);
    }

    private static String sender(int step) {
        return step < IDS / 2 ? "a" : "b";
    }

    private static long id(int step) {
        return 1 + step % (IDS / 2);
    }

    @Property(tries = 300)
    void noDuplicateDeliveryAndNoAckWithoutDelivery(@ForAll("steps") List<Integer> steps) throws Exception {
        Path journal = dir.resolve("j-" + System.nanoTime());
        InboundQueue q = InboundQueue.open(100, WINDOW, journal).queue();
        Set<String> delivered = new HashSet<>();
        Set<String> confirmedByApp = new HashSet<>();
        Set<String> acked = new HashSet<>();
        Set<String> inDoubtAllowed = new HashSet<>();
        InboundMessage[] held = {null};
        // the transport's own ACK on confirmation: once per id, however it was confirmed
        InboundQueue.Acknowledger acks = (s, id, handle) -> assertTrue(acked.add(s + id), "confirmed twice: " + s + id);
        for (int step : steps) {
            if (step < IDS) {
                String key = sender(step) + id(step);
                Admission a = q.offer(sender(step), id(step), new byte[] {(byte) step}, "conn");
                if (a == Admission.DUPLICATE) {
                    assertTrue(confirmedByApp.contains(key), "a duplicate acknowledged at once must have been confirmed: " + key);
                }
                if (a == Admission.IN_DOUBT) {
                    assertTrue(inDoubtAllowed.contains(key), "in doubt without a crash between hand-over and confirmation: " + key);
                }
                assertTrue(a != Admission.STALE && a != Admission.FULL, a + " with a window and queue this large");
            } else if (step == 12) {
                if (held[0] != null) {
                    continue; // one application thread: it comes back before it takes the next
                }
                Optional<InboundMessage> m = q.take(0);
                if (m.isPresent()) {
                    String key = m.get().sender() + m.get().messageId();
                    assertTrue(delivered.add(key), "handed over twice: " + key);
                    q.hold(m.get());
                    held[0] = m.get();
                }
            } else if (step == 13) {
                if (held[0] != null) {
                    confirmedByApp.add(held[0].sender() + held[0].messageId());
                    held[0] = null;
                }
                q.confirmHeld(acks);
            } else if (step == 15 || step == 16) {
                if (held[0] == null) {
                    continue;
                }
                InboundMessage m = held[0];
                String key = m.sender() + m.messageId();
                boolean before = confirmedByApp.contains(key);
                confirmedByApp.add(key); // said before the call: the ACK may go out during it
                InboundQueue.Acknowledged[] result = {null};
                InboundQueue queue = q;
                if (step == 15) {
                    result[0] = queue.acknowledge(m, acks);
                } else {
                    Thread worker = new Thread(() -> result[0] = queue.acknowledge(m, acks));
                    worker.start();
                    worker.join();
                }
                assertEquals(before ? InboundQueue.Acknowledged.ALREADY : InboundQueue.Acknowledged.NOW, result[0], key);
                if (step == 15) {
                    held[0] = null; // its own thread said it is done: it holds nothing any more
                }
            } else {
                // the process dies: the queue and the held message are gone; the journal is what survives
                if (held[0] != null && !confirmedByApp.contains(held[0].sender() + held[0].messageId())) {
                    inDoubtAllowed.add(held[0].sender() + held[0].messageId());
                }
                held[0] = null;
                q.close();
                q = InboundQueue.open(100, WINDOW, journal).queue();
            }
            for (String k : acked) {
                assertTrue(confirmedByApp.contains(k), "acknowledged but the application did not come back from it: " + k);
            }
        }
        q.close();
    }

    @Property(tries = 200)
    void withoutCrashesEveryOfferedMessageIsDeliveredAndAcknowledgedOnce(@ForAll("steps") List<Integer> steps) {
        InboundQueue q = new InboundQueue(100, WINDOW);
        Set<String> offered = new HashSet<>();
        List<String> delivered = new ArrayList<>();
        Set<String> acked = new HashSet<>();
        InboundQueue.Acknowledger acks = (s, id, handle) -> assertTrue(acked.add(s + id), "acknowledged twice on confirmation: " + s + id);
        for (int step : steps) {
            if (step < IDS) {
                offered.add(sender(step) + id(step));
                q.offer(sender(step), id(step), new byte[0], "conn");
            }
        }
        Optional<InboundMessage> m;
        try {
            while ((m = q.receive(0, acks)).isPresent()) {
                delivered.add(m.get().sender() + m.get().messageId());
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(offered, new HashSet<>(delivered));
        assertEquals(offered.size(), delivered.size(), "delivered once each");
        assertEquals(offered, acked);
    }

    @Example
    void aJournalThatCannotBeWrittenHandsNothingOverAndLosesNothing() throws Exception {
        Path journal = dir.resolve("broken");
        InboundQueue.Opened opened = InboundQueue.open(10, WINDOW, journal);
        InboundQueue q = opened.queue();
        assertEquals(Admission.QUEUED, q.offer("a", 1, new byte[0], "conn"));
        opened.loaded().journal().close(); // writes fail from now on
        try {
            q.take(0);
            throw new AssertionError("took a message it could not journal");
        } catch (UncheckedIOException e) {
            assertTrue(e.getMessage().contains("cannot be written"), e.getMessage());
        }
        assertEquals(1, q.size(), "the message stays queued");
    }
}
