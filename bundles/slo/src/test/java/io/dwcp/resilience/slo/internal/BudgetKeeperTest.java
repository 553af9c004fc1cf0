package io.dwcp.resilience.slo.internal;

import static io.dwcp.resilience.api.CallOutcome.FAILURE;
import static io.dwcp.resilience.api.CallOutcome.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.slo.SloEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetKeeperTest {

    private final ManualTimeSource clock = new ManualTimeSource();
    private final MemoryStateStore store = new MemoryStateStore();
    private final RecordingSink sink = new RecordingSink();

    private static SloSettings settings(String operation, Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("dwcp.operation", operation);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Slo.settings(props);
    }

    private BudgetKeeper keeper(SloSettings s) {
        return new BudgetKeeper(s, clock, store, sink, () -> { });
    }

    private void calls(BudgetKeeper k, int n, CallOutcome outcome) {
        for (int i = 0; i < n; i++) {
            k.budget().record(clock.nanoTime(), outcome, 1_000_000L);
        }
    }

    @Test
    void exhaustionRaisesEventCallbackAndLogLineAndRecoveryDoesToo() {
        BudgetKeeper k = keeper(settings("send"));
        calls(k, 1000, SUCCESS);
        calls(k, 3, FAILURE);
        k.runOnce();
        assertEquals(1, sink.exhausted.size());
        RecordingSink.Posted e = sink.events(ResilienceEvents.BUDGET_EXHAUSTED).get(0);
        assertEquals("send", e.properties().get(ResilienceEvents.OPERATION));
        assertEquals("error", e.properties().get(SloEvents.BUDGET));
        assertEquals("error", e.properties().get(ResilienceEvents.NAME));
        assertEquals(1003L, e.properties().get(SloEvents.TOTAL));
        assertEquals(3L, e.properties().get(SloEvents.BAD));
        assertTrue(sink.log.stream().anyMatch(l -> l.startsWith("WARN error budget of send (objective 99.9%): 3 failed of 1003")),
                sink.log.toString());
        assertTrue(store.records.containsKey("slo/send"), "a change of state is saved at once");

        calls(k, 3000, SUCCESS);
        k.runOnce();
        assertEquals(1, sink.recovered.size());
        assertEquals(1, sink.events(ResilienceEvents.BUDGET_RECOVERED).size());
    }

    @Test
    void burnRateAlertsArePublishedAsEvents() {
        BudgetKeeper k = keeper(settings("consensus", "objective", 99.5, "alerts", "10:1h:5m:page"));
        for (int minute = 0; minute < 5; minute++) {
            calls(k, 50, SUCCESS);
            calls(k, 50, FAILURE);
            clock.advance(Duration.ofMinutes(1));
            k.runOnce();
        }
        RecordingSink.Posted fired = sink.events(ResilienceEvents.BURN_RATE_ALERT).get(0);
        assertEquals("page", fired.properties().get(ResilienceEvents.NAME));
        assertEquals(SloEvents.CLEAR, fired.properties().get(ResilienceEvents.FROM));
        assertEquals(SloEvents.FIRING, fired.properties().get(ResilienceEvents.TO));
        assertEquals(3600L, fired.properties().get(SloEvents.LONG_WINDOW));
        assertEquals(100.0, (Double) fired.properties().get(SloEvents.SHORT_BURN_RATE), 1e-9);
        for (int minute = 0; minute < 5; minute++) {
            calls(k, 100, SUCCESS);
            clock.advance(Duration.ofMinutes(1));
            k.runOnce();
        }
        RecordingSink.Posted cleared = sink.events(ResilienceEvents.BURN_RATE_ALERT).get(1);
        assertEquals(SloEvents.CLEAR, cleared.properties().get(ResilienceEvents.TO));
        assertEquals(2, sink.alerts.size());
    }

    @Test
    void savesPeriodicallyAndARestartedKeeperHasTheSameFigures() {
        BudgetKeeper k = keeper(settings("receive", "persist.interval", "1m"));
        calls(k, 500, SUCCESS);
        k.runOnce();
        int saves = store.saves;
        clock.advance(Duration.ofSeconds(30));
        k.runOnce();
        assertEquals(saves, store.saves, "not before the persist interval");
        clock.advance(Duration.ofSeconds(31));
        k.runOnce();
        assertEquals(saves + 1, store.saves);

        calls(k, 7, SUCCESS);
        k.save(); // as on deactivate
        SloFigures before = k.budget().figures();
        BudgetKeeper restarted = keeper(settings("receive", "persist.interval", "1m"));
        assertEquals(before, restarted.budget().figures());
        assertEquals(507, restarted.budget().figures().error().total());
    }

    @Test
    void anUndecodableRecordIsReportedSetAsideAndTheBudgetStartsFresh() {
        BudgetKeeper k = keeper(settings("send"));
        calls(k, 10, SUCCESS);
        k.save();
        byte[] record = new String(store.records.get("slo/send"), StandardCharsets.UTF_8)
                .replace("\nversion=2\n", "\nversion=99\n").getBytes(StandardCharsets.UTF_8); // written by a future provider
        store.records.put("slo/send", record);

        RecordingSink fresh = new RecordingSink();
        BudgetKeeper restarted = new BudgetKeeper(settings("send"), clock, store, fresh, () -> { });
        assertEquals(0, restarted.budget().figures().error().total());
        assertTrue(fresh.log.stream().anyMatch(l -> l.startsWith("WARN budget state slo/send cannot be used: a record of version 99, expected 2")
                && l.contains("slo/send.unreadable")), fresh.log.toString());
        assertArrayEquals(record, store.records.get("slo/send.unreadable"));
        assertEquals("slo/send", fresh.events(ResilienceEvents.STATE_CORRUPT).get(0).properties().get(ResilienceEvents.KEY));
    }

    @Test
    void aFailingStoreIsReportedAndTheBudgetKeepsCounting() {
        BudgetKeeper k = keeper(settings("send"));
        store.failSaves = true;
        calls(k, 5, SUCCESS);
        k.save();
        assertTrue(sink.log.stream().anyMatch(l -> l.startsWith("ERROR budget state slo/send cannot be saved")));
        assertEquals(5, k.budget().figures().error().total());
        assertFalse(store.records.containsKey("slo/send"));
    }

    @Test
    void aNewBucketLayoutCarriesTheFiguresOver() {
        BudgetKeeper k = keeper(settings("sync", "objective", 99.5));
        calls(k, 400, SUCCESS);
        calls(k, 3, FAILURE);
        OperationBudget old = k.budget();
        k.reconfigure(settings("sync", "objective", 99.0));
        assertEquals(old, k.budget(), "same layout: applied in place");
        k.reconfigure(settings("sync", "objective", 99.0, "window", "7d", "bucket.coarse", "30m"));
        assertFalse(old == k.budget());
        assertEquals(403, k.budget().figures().error().total());
        assertEquals(3, k.budget().figures().error().bad());
        assertEquals(Duration.ofDays(7), k.budget().figures().window());
    }
}
