package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.transport.internal.DedupWindow.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboundJournalTest {

    /** What compaction writes of the windows (the queue copies each under its lock). */
    private static Map<String, DedupWindow.HandedOver> snapshot(Map<String, DedupWindow> windows) {
        Map<String, DedupWindow.HandedOver> out = new TreeMap<>();
        windows.forEach((sender, w) -> out.put(sender, w.handedOver()));
        return out;
    }

    /**
     * A full window holds fewer ids than a compaction writes lines (a T and a C line per confirmed id):
     * compacting whenever the file held twice the ids rewrote the whole journal on every confirmation
     * once the window was full (throughput fell from ~9 000 to ~1 000 messages/s, TransportThroughput).
     */
    @Test
    void aFullWindowIsCompactedNowAndThenNotOnEveryConfirmation(@TempDir Path dir) throws Exception {
        int windowSize = 2_000;
        int messages = 40_000;
        InboundJournal journal = InboundJournal.load(dir.resolve("inbound.journal"), windowSize).journal();
        DedupWindow window = new DedupWindow(windowSize);
        Map<String, DedupWindow> windows = Map.of("a", window);
        int compactions = 0;
        for (long id = 1; id <= messages; id++) {
            window.record(id);
            journal.taken("a", id);
            journal.confirmed("a", id);
            window.set(id, State.CONFIRMED);
            if (journal.compactionDue(windows)) {
                journal.compact(snapshot(windows));
                compactions++;
            }
        }
        journal.close();
        // each compaction writes ~2 x windowSize lines and must be paid for by as many appended lines
        assertTrue(compactions <= 2 * messages / windowSize, compactions + " compactions for " + messages + " messages");
        assertTrue(compactions >= 1, "the journal was compacted");
        assertTrue(Files.readAllLines(dir.resolve("inbound.journal")).size() <= 6L * Math.max(windowSize, 1024) + 10,
                "the file stays bounded");
    }

    /**
     * The streamed compaction writes the lines appending writes (journals of earlier versions read as
     * they did): per sender in order, the forgotten bound, then each id handed over, oldest first, a
     * confirmed one as T and C, an in-doubt one as T; a queued id not at all.
     */
    @Test
    void aCompactionWritesTheJournalsLineFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inbound.journal");
        InboundJournal journal = InboundJournal.load(file, 4).journal();
        DedupWindow b = new DedupWindow(4);
        for (long id = 1; id <= 6; id++) { // 1 and 2 are forgotten
            b.record(id);
        }
        b.set(3, State.CONFIRMED);
        b.set(4, State.TAKEN);
        b.set(6, State.CONFIRMED); // 5 stays queued
        DedupWindow a = new DedupWindow(4);
        a.record(-7);
        a.set(-7, State.IN_DOUBT);
        a.record(Long.MAX_VALUE);
        a.set(Long.MAX_VALUE, State.CONFIRMED);
        Map<String, DedupWindow> windows = new LinkedHashMap<>();
        windows.put("node-b", b);
        windows.put("node-a", a);
        journal.compact(snapshot(windows));
        journal.taken("node-b", 7); // appended after the compaction, to the renamed file
        journal.close();
        assertEquals("T node-a -7\nT node-a 9223372036854775807\nC node-a 9223372036854775807\n"
                + "F node-b 2\nT node-b 3\nC node-b 3\nT node-b 4\nT node-b 6\nC node-b 6\nT node-b 7\n",
                Files.readString(file, StandardCharsets.ISO_8859_1));
        assertFalse(Files.exists(InboundJournal.tmpOf(file)), "nothing left beside the journal");
    }

    /** The id encoder writes what {@link Long#toString(long)} writes, for every long. */
    @Property
    void idsAreWrittenInDecimalAsLongToStringWritesThem(@ForAll long id) {
        ByteBuffer b = ByteBuffer.allocate(32);
        InboundJournal.putDecimal(b, id, new byte[19]);
        assertEquals(Long.toString(id), new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
    }

    /**
     * The process dies half-way through a compaction: its half-written file is left beside the journal,
     * the journal is the old one, whole. The restarted node replays the old journal exactly as if no
     * compaction had started, removes the leftover, and its next compaction and replay are right.
     */
    @Test
    void aCompactionInterruptedHalfWayIsRecoveredFromTheWholeOldJournal(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inbound.journal");
        int windowSize = 100;
        InboundJournal journal = InboundJournal.load(file, windowSize).journal();
        for (long id = 1; id <= 150; id++) { // 1..50 forgotten after the replay, 150 taken and not confirmed: in doubt
            journal.taken("node-a", id);
            if (id < 150) {
                journal.confirmed("node-a", id);
            }
        }
        journal.close();
        String before = Files.readString(file, StandardCharsets.ISO_8859_1);

        // the compaction the process died in: a different journal's rewrite, cut in the middle of a line
        Path elsewhere = dir.resolve("elsewhere");
        InboundJournal other = InboundJournal.load(elsewhere.resolve("inbound.journal"), windowSize).journal();
        DedupWindow w = new DedupWindow(windowSize);
        for (long id = 1_000; id < 1_080; id++) {
            w.record(id);
            w.set(id, State.CONFIRMED);
        }
        other.compact(snapshot(Map.of("node-a", w)));
        other.close();
        byte[] whole = Files.readAllBytes(elsewhere.resolve("inbound.journal"));
        Files.write(InboundJournal.tmpOf(file), java.util.Arrays.copyOf(whole, whole.length / 2 + 3));

        InboundJournal.Loaded loaded = InboundJournal.load(file, windowSize);
        assertFalse(Files.exists(InboundJournal.tmpOf(file)), "the half-written compaction is removed");
        assertEquals(before, Files.readString(file, StandardCharsets.ISO_8859_1), "the journal is untouched");
        assertEquals(0, loaded.badLines());
        assertEquals(1, loaded.inDoubt());
        assertEquals(99, loaded.confirmed());
        DedupWindow replayed = loaded.windows().get("node-a");
        assertOldJournalReplayed(replayed, 51);
        assertEquals(DedupWindow.Verdict.NEW, replayed.check(1_000), "nothing of the half-written file was read");

        // the node goes on: a compaction and another restart keep every verdict
        InboundJournal again = loaded.journal();
        again.compact(snapshot(loaded.windows()));
        again.taken("node-a", 151);
        again.close();
        InboundJournal.Loaded third = InboundJournal.load(file, windowSize);
        third.journal().close();
        assertOldJournalReplayed(third.windows().get("node-a"), 52); // 151 pushed 51 out of the window
        assertEquals(State.IN_DOUBT, third.windows().get("node-a").state(151), "taken after the compaction, never confirmed");
    }

    private static void assertOldJournalReplayed(DedupWindow w, long oldestHeld) {
        for (long id = 1; id < oldestHeld; id++) {
            assertEquals(DedupWindow.Verdict.STALE, w.check(id), "id " + id);
        }
        for (long id = oldestHeld; id < 150; id++) {
            assertEquals(State.CONFIRMED, w.state(id), "id " + id);
        }
        assertEquals(State.IN_DOUBT, w.state(150));
    }

    /**
     * A compaction that fails part-way (here the windows' copy breaks after the first sender's lines were
     * written) removes its file and leaves the journal whole and open: appends go on, and a replay sees
     * every line.
     */
    @Test
    void aCompactionThatFailsHalfWayLeavesTheJournalWholeAndWritable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inbound.journal");
        InboundJournal journal = InboundJournal.load(file, 100).journal();
        journal.taken("node-a", 1);
        journal.confirmed("node-a", 1);
        journal.taken("node-b", 2);
        DedupWindow a = new DedupWindow(100);
        a.record(1);
        a.set(1, State.CONFIRMED);
        Map<String, DedupWindow.HandedOver> breaking = new AbstractMap<>() {
            @Override
            public Set<Map.Entry<String, DedupWindow.HandedOver>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Map.Entry<String, DedupWindow.HandedOver>> iterator() {
                        Iterator<Map.Entry<String, DedupWindow.HandedOver>> first = Map.of("node-a", a.handedOver()).entrySet().iterator();
                        return new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return true;
                            }

                            @Override
                            public Map.Entry<String, DedupWindow.HandedOver> next() {
                                if (first.hasNext()) {
                                    return first.next();
                                }
                                throw new IllegalStateException("the copy broke half-way");
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return 2;
                    }
                };
            }
        };
        assertThrows(IllegalStateException.class, () -> journal.compact(breaking));
        assertFalse(Files.exists(InboundJournal.tmpOf(file)), "the part-written file is removed");
        journal.confirmed("node-b", 2);
        journal.close();
        InboundJournal.Loaded loaded = InboundJournal.load(file, 100);
        loaded.journal().close();
        assertEquals(State.CONFIRMED, loaded.windows().get("node-a").state(1));
        assertEquals(State.CONFIRMED, loaded.windows().get("node-b").state(2));
        assertEquals(0, loaded.inDoubt());
    }
}
