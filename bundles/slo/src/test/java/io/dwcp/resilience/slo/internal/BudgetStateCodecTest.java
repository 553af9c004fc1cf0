package io.dwcp.resilience.slo.internal;

import static io.dwcp.resilience.api.CallOutcome.FAILURE;
import static io.dwcp.resilience.api.CallOutcome.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.StateCodec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BudgetStateCodecTest {

    private final ManualTimeSource clock = new ManualTimeSource();

    private OperationBudget budget(String operation, Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", operation);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new OperationBudget(Slo.settings(props), clock, () -> { });
    }

    private void calls(OperationBudget b, int n, CallOutcome outcome, long latencyMillis) {
        for (int i = 0; i < n; i++) {
            b.record(clock.nanoTime(), outcome, TimeUnit.MILLISECONDS.toNanos(latencyMillis));
        }
    }

    /** Two days of traffic: folded coarse buckets, fine buckets, latency histograms of two days, one exhaustion. */
    private OperationBudget busy(String operation, Object... keyValues) {
        OperationBudget b = budget(operation, keyValues);
        for (int minute = 0; minute < 2 * 24 * 60; minute += 7) {
            calls(b, 20, SUCCESS, 5 + minute % 300);
            calls(b, minute % 5 == 0 ? 1 : 0, FAILURE, 1);
            clock.advance(Duration.ofMinutes(7));
            if (minute % 70 == 0) {
                b.evaluate();
            }
        }
        calls(b, 30, FAILURE, 1);
        b.evaluate();
        return b;
    }

    @Test
    void roundTripKeepsEveryFigure() throws Exception {
        OperationBudget before = busy("send");
        SloFigures f0 = before.figures();
        assertTrue(f0.error().exhausted());
        byte[] record = BudgetStateCodec.encode(before, clock.currentTimeMillis());

        OperationBudget after = budget("send");
        BudgetStateCodec.restore(after, record);
        assertEquals(f0, after.figures());
        assertTrue(after.evaluate().exhausted().isEmpty(), "already exhausted before the restart: not reported again");
        assertArrayEquals(record, BudgetStateCodec.encode(after, clock.currentTimeMillis()));
    }

    @Test
    void aRestoredBudgetAgesAsIfItHadNeverStopped() throws Exception {
        OperationBudget before = busy("send");
        byte[] record = BudgetStateCodec.encode(before, clock.currentTimeMillis());
        clock.advance(Duration.ofHours(5)); // the runtime was down for 5 hours
        before.evaluate();
        OperationBudget after = budget("send");
        BudgetStateCodec.restore(after, record);
        assertEquals(before.figures(), after.figures());
        clock.advance(Duration.ofDays(30));
        before.evaluate();
        after.evaluate();
        assertEquals(0, after.figures().error().total());
        assertEquals(before.figures(), after.figures());
    }

    @Test
    void anotherBucketLayoutReadsTheSameTotals() throws Exception {
        OperationBudget before = busy("sync");
        SloFigures f0 = before.figures();
        byte[] record = BudgetStateCodec.encode(before, clock.currentTimeMillis());
        OperationBudget after = budget("sync", "bucket.fine", "30s", "bucket.coarse", "2h", "latency.bucket", "12h");
        BudgetStateCodec.restore(after, record);
        SloFigures f1 = after.figures();
        assertEquals(f0.error().total(), f1.error().total());
        assertEquals(f0.error().bad(), f1.error().bad());
        assertEquals(f0.latency().bad(), f1.latency().bad());
        assertEquals(f0.latencyWindow().count(), f1.latencyWindow().count());
        assertEquals(f0.downtimeNanos(), f1.downtimeNanos());
    }

    @Test
    void refusesAnotherPayloadVersion() {
        String record = new String(BudgetStateCodec.encode(busy("send"), clock.currentTimeMillis()), StandardCharsets.UTF_8);
        byte[] next = record.replace("\nversion=2\n", "\nversion=3\n").getBytes(StandardCharsets.UTF_8);
        UndecodableStateException e = assertThrows(UndecodableStateException.class,
                () -> BudgetStateCodec.restore(budget("send"), next));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    }

    @Test
    void writesTheKitsVersionedRecord() throws Exception {
        byte[] record = BudgetStateCodec.encode(busy("send"), clock.currentTimeMillis());
        Map<String, String> fields = StateCodec.decode("slo", 2, record);
        assertEquals("send", fields.get("operation"));
        assertTrue(Integer.parseInt(fields.get("latency.count")) > 0, fields.toString());
    }

    @Test
    void readsTheOldBinaryRecordOnce() throws Exception {
        // Written by the bundle's first codec (magic DSLO, payload version 1) from busy("send") at this clock.
        byte[] old;
        try (InputStream in = getClass().getResourceAsStream("/budget-send-binary-v1.bin")) {
            old = in.readAllBytes();
        }
        OperationBudget expected = busy("send");
        OperationBudget after = budget("send");
        BudgetStateCodec.restore(after, old);
        assertEquals(expected.figures(), after.figures());
        byte[] next = BudgetStateCodec.encode(after, clock.currentTimeMillis());
        assertEquals("dwcp-state=1", new String(next, StandardCharsets.UTF_8).lines().findFirst().orElseThrow(),
                "the next save writes the kit's record");
        assertArrayEquals(BudgetStateCodec.encode(expected, clock.currentTimeMillis()), next);
        assertThrows(UndecodableStateException.class,
                () -> BudgetStateCodec.restore(budget("send"), Arrays.copyOf(old, old.length / 2)));
    }

    @Test
    void refusesAnotherOperationsRecordTruncationAndGarbage() {
        byte[] record = BudgetStateCodec.encode(busy("send"), clock.currentTimeMillis());
        assertThrows(UndecodableStateException.class, () -> BudgetStateCodec.restore(budget("receive"), record));
        assertThrows(UndecodableStateException.class,
                () -> BudgetStateCodec.restore(budget("send"), Arrays.copyOf(record, record.length / 2)));
        assertThrows(UndecodableStateException.class,
                () -> BudgetStateCodec.restore(budget("send"), Arrays.copyOf(record, record.length + 1)));
        assertThrows(UndecodableStateException.class,
                () -> BudgetStateCodec.restore(budget("send"), "{\"total\": 12}".getBytes()));
        assertThrows(UndecodableStateException.class, () -> BudgetStateCodec.restore(budget("send"), new byte[0]));
    }

    @Test
    void aRecordTooLargeForTheStoreLeavesOutTheOldestLatencyHistograms() throws Exception {
        OperationBudget b = budget("send", "latency.bucket", "1h");
        for (int hour = 0; hour < 10; hour++) {
            for (long v = 1_000; v < 3_000_000_000_000L; v = v * 11 / 10 + 1) {
                b.record(clock.nanoTime(), SUCCESS, v);
            }
            clock.advance(Duration.ofHours(1));
        }
        calls(b, 7, SUCCESS, 5); // the current hour: the newest histogram
        long perHour = (b.figures().latencyWindow().count() - 7) / 10;
        byte[] whole = BudgetStateCodec.encode(b, clock.currentTimeMillis());
        int limit = whole.length - 1500; // room for fewer histograms
        byte[] cut = BudgetStateCodec.encode(b, clock.currentTimeMillis(), limit);
        assertTrue(cut.length <= limit, cut.length + " > " + limit);

        OperationBudget restored = budget("send", "latency.bucket", "1h");
        BudgetStateCodec.restore(restored, cut);
        long kept = restored.figures().latencyWindow().count();
        assertTrue(kept < b.figures().latencyWindow().count(), "some histograms were left out");
        assertEquals(0, (kept - 7) % perHour, "whole hours were left out, the newest kept");
        assertEquals(b.figures().error(), restored.figures().error(), "the counters are all kept");
    }
}
