package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.slo.BudgetListener;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.BurnRateAlert;
import io.dwcp.resilience.api.slo.SloEvents;
import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps one {@link OperationBudget} for its whole life: restores it from the {@link StateStore} on
 * start, evaluates it, tells events, listeners and the log what changed, saves it periodically, on
 * every change of state and on stop, and carries it across reconfiguration. Plain Java: the DS
 * component drives it from its evaluation thread.
 */
final class BudgetKeeper {

    /** Suffix of the key under which an unreadable record is set aside before starting fresh. */
    static final String UNREADABLE_SUFFIX = ".unreadable";

    private final TimeSource clock;
    private final StateStore store;
    private final SloSink sink;
    private final Runnable wakeUp;
    private volatile OperationBudget budget;
    private long lastSaveNanos;

    /**
     * @param settings validated settings
     * @param clock    the clock of the calls
     * @param store    where the state lives
     * @param sink     where to report
     * @param wakeUp   asks for an evaluation soon (cheap, allocation-free; called on caller threads)
     */
    BudgetKeeper(SloSettings settings, TimeSource clock, StateStore store, SloSink sink, Runnable wakeUp) {
        this.clock = clock;
        this.store = store;
        this.sink = sink;
        this.wakeUp = wakeUp;
        this.budget = load(settings);
        this.lastSaveNanos = clock.nanoTime();
    }

    /** @return the budget callers record into */
    OperationBudget budget() {
        return budget;
    }

    private OperationBudget load(SloSettings settings) {
        OperationBudget fresh = new OperationBudget(settings, clock, wakeUp);
        String key = settings.stateKey();
        Optional<byte[]> record;
        try {
            record = store.load(key);
        } catch (IOException | RuntimeException e) {
            sink.error("budget state " + key + " cannot be read (" + e + "); the budget of " + settings.operation()
                    + " starts fresh and will replace it at the next save", e);
            return fresh;
        }
        if (record.isEmpty()) {
            sink.info("no saved budget state " + key + "; the budget of " + settings.operation() + " starts fresh");
            return fresh;
        }
        try {
            BudgetStateCodec.restore(fresh, record.get());
            SloFigures f = fresh.figures();
            sink.info("budget of " + settings.operation() + " restored from " + key + ": " + f.error().total() + " calls, "
                    + f.error().bad() + " failed over " + Durations.format(settings.window()));
            return fresh;
        } catch (UndecodableStateException e) {
            String aside = key + UNREADABLE_SUFFIX;
            try {
                store.save(aside, record.get());
            } catch (IOException | RuntimeException x) {
                aside = "(could not be set aside: " + x + ")";
            }
            String text = "budget state " + key + " cannot be used: " + e.getMessage() + "; it is kept as " + aside
                    + " and the budget of " + settings.operation() + " starts fresh";
            sink.warn(text);
            Map<String, Object> p = new HashMap<>();
            p.put(ResilienceEvents.KEY, key);
            p.put(ResilienceEvents.REASON, text);
            p.put(ResilienceEvents.OPERATION, settings.operation());
            p.put(ResilienceEvents.TIMESTAMP, clock.currentTimeMillis());
            sink.post(ResilienceEvents.STATE_CORRUPT, p);
            return new OperationBudget(settings, clock, wakeUp);
        }
    }

    /**
     * Evaluates once: reports changes, saves when something changed or the persist interval passed.
     *
     * @return what the evaluation found
     */
    synchronized Evaluation runOnce() {
        OperationBudget b = budget;
        Evaluation ev = b.evaluate();
        report(ev);
        long now = clock.nanoTime();
        if (ev.changed() || now - lastSaveNanos >= b.settings().persistInterval().toNanos()) {
            save();
        }
        return ev;
    }

    /** Saves the state now. */
    synchronized void save() {
        OperationBudget b = budget;
        String key = b.settings().stateKey();
        try {
            store.save(key, BudgetStateCodec.encode(b, clock.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            sink.error("budget state " + key + " cannot be saved (" + e + "); the previous record stays in place", e);
        }
        lastSaveNanos = clock.nanoTime();
    }

    /**
     * Applies new settings: in place when the bucket layout stays, otherwise by saving the state and
     * restoring it into a budget of the new layout (calls recorded in between are not counted).
     *
     * @param next validated settings
     */
    synchronized void reconfigure(SloSettings next) {
        OperationBudget current = budget;
        if (current.settings().sameGeometry(next)) {
            current.apply(next);
            return;
        }
        save();
        budget = load(next);
    }

    private void report(Evaluation ev) {
        for (BudgetStatus s : ev.exhausted()) {
            sink.warn(describe(s) + ": budget exhausted");
            sink.post(ResilienceEvents.BUDGET_EXHAUSTED, budgetEvent(s, "budget exhausted"));
            for (BudgetListener l : sink.listeners()) {
                try {
                    l.budgetExhausted(s);
                } catch (RuntimeException e) {
                    sink.error("budget listener " + l + " failed", e);
                }
            }
        }
        for (BudgetStatus s : ev.recovered()) {
            sink.info(describe(s) + ": budget recovered");
            sink.post(ResilienceEvents.BUDGET_RECOVERED, budgetEvent(s, "budget recovered"));
            for (BudgetListener l : sink.listeners()) {
                try {
                    l.budgetRecovered(s);
                } catch (RuntimeException e) {
                    sink.error("budget listener " + l + " failed", e);
                }
            }
        }
        for (BurnRateAlert a : ev.alerts()) {
            String text = String.format(Locale.ROOT, "%s budget of %s: burn-rate alert %s %s (%.1fx over %s, %.1fx over %s, threshold %.1fx)",
                    a.kind(), a.operation(), a.name(), a.firing() ? "FIRING" : "cleared", a.longBurnRate(),
                    Durations.format(a.longWindow()), a.shortBurnRate(), Durations.format(a.shortWindow()), a.factor());
            if (a.firing()) {
                sink.warn(text);
            } else {
                sink.info(text);
            }
            sink.post(ResilienceEvents.BURN_RATE_ALERT, alertEvent(a, text));
            for (BudgetListener l : sink.listeners()) {
                try {
                    l.burnRateAlert(a);
                } catch (RuntimeException e) {
                    sink.error("budget listener " + l + " failed", e);
                }
            }
        }
    }

    private static String describe(BudgetStatus s) {
        String bad = s.kind() == BudgetKind.ERROR ? "failed" : "slow";
        return String.format(Locale.ROOT, "%s budget of %s (objective %s%%): %d %s of %d, %d allowed, %.1f%% of the budget left",
                s.kind(), s.operation(), trim(s.objective() * 100), s.bad(), bad, s.total(), s.allowedBad(),
                s.remainingBudget() * 100);
    }

    private static String trim(double d) {
        String t = String.format(Locale.ROOT, "%.4f", d);
        return t.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static Map<String, Object> budgetEvent(BudgetStatus s, String reason) {
        Map<String, Object> p = new HashMap<>();
        p.put(ResilienceEvents.OPERATION, s.operation());
        p.put(ResilienceEvents.REASON, describe(s) + ": " + reason);
        p.put(ResilienceEvents.TIMESTAMP, s.timestampMillis());
        p.put(SloEvents.BUDGET, s.kind().id());
        // The name tells the error and the latency budget of one operation apart for consumers that
        // key budgets by operation and name (the degradation manager does).
        p.put(ResilienceEvents.NAME, s.kind().id());
        p.put(SloEvents.OBJECTIVE, s.objective());
        p.put(SloEvents.TOTAL, s.total());
        p.put(SloEvents.BAD, s.bad());
        p.put(SloEvents.ALLOWED, s.allowedBad());
        p.put(SloEvents.REMAINING, s.remainingBudget());
        return p;
    }

    private static Map<String, Object> alertEvent(BurnRateAlert a, String text) {
        Map<String, Object> p = new HashMap<>();
        p.put(ResilienceEvents.OPERATION, a.operation());
        p.put(ResilienceEvents.REASON, text);
        p.put(ResilienceEvents.TIMESTAMP, a.timestampMillis());
        p.put(ResilienceEvents.NAME, a.name());
        p.put(ResilienceEvents.FROM, a.firing() ? SloEvents.CLEAR : SloEvents.FIRING);
        p.put(ResilienceEvents.TO, a.firing() ? SloEvents.FIRING : SloEvents.CLEAR);
        p.put(SloEvents.BUDGET, a.kind().id());
        p.put(SloEvents.FACTOR, a.factor());
        p.put(SloEvents.LONG_WINDOW, a.longWindow().toSeconds());
        p.put(SloEvents.SHORT_WINDOW, a.shortWindow().toSeconds());
        p.put(SloEvents.LONG_BURN_RATE, a.longBurnRate());
        p.put(SloEvents.SHORT_BURN_RATE, a.shortBurnRate());
        return p;
    }
}
