package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.transport.internal.DedupWindow.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboundJournalTest {

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
                journal.compact(windows);
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
}
