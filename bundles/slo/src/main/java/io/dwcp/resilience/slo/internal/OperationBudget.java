package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.CallOutcome;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.slo.BudgetStatus;
import io.dwcp.resilience.api.slo.BurnRateAlert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The error budget and the latency budget of one operation (or of all operations together) over a
 * rolling window: the algorithm, with no OSGi in it.
 *
 * <p>Callers record outcomes through their own {@link Writer}, lock-free and allocation-free, into
 * the {@link FineRing} (and the {@link LatencyRing}); one evaluation thread {@link #evaluate()}s periodically: it folds
 * settled fine buckets into the {@link CoarseRing} that spans the window, computes the figures, the
 * burn rates and the transitions. Windows up to {@link SloSettings#FINE_SPAN_COARSE_BUCKETS} coarse
 * buckets long are read at fine resolution, longer ones at coarse resolution.
 *
 * <p>Time: buckets are placed by wall-clock time (so that state restored after a restart lines up)
 * computed without reading the clock on the call path, as the call's end in {@link TimeSource}
 * nanoseconds plus an offset to the wall clock that each evaluation refreshes.
 */
final class OperationBudget {

    private final TimeSource clock;
    private final String operation;
    private final FineRing fine;
    private final CoarseRing coarse;
    private final LatencyRing latency;
    private final long fineWidth;
    private final long coarseWidth;
    private final long finePerCoarse;
    private final long fineSpanNanos;
    private final Runnable wakeUp;
    private final Histogram windowHistogram;

    private volatile SloSettings settings;
    private volatile boolean countRejections;
    private volatile long slowThresholdNanos;
    private volatile long wallOffsetNanos;
    /** Failures (slow calls) left before the budget may be spent: reaching 0 asks for an evaluation now. */
    private final AtomicLong errorCountdown = new AtomicLong(1);
    private final AtomicLong latencyCountdown = new AtomicLong(1);

    // Guarded by this: the evaluation side.
    private long foldedThrough;
    private boolean errorExhausted;
    private boolean latencyExhausted;
    private final Map<String, Boolean> firing = new HashMap<>();

    /**
     * @param settings validated settings
     * @param clock    the clock of the calls that will be recorded
     * @param wakeUp   asks for an evaluation soon; run on a caller's thread, so it must be cheap
     *                 and allocation-free (e.g. unparking the evaluation thread)
     */
    OperationBudget(SloSettings settings, TimeSource clock, Runnable wakeUp) {
        this.clock = clock;
        this.operation = settings.operation();
        this.wakeUp = wakeUp;
        this.fineWidth = settings.fineBucket().toNanos();
        this.coarseWidth = settings.coarseBucket().toNanos();
        this.finePerCoarse = coarseWidth / fineWidth;
        this.fineSpanNanos = SloSettings.FINE_SPAN_COARSE_BUCKETS * coarseWidth;
        // +3: the current bucket, the one still settling, and the one folding lags behind.
        this.fine = new FineRing(fineWidth, (int) (SloSettings.FINE_SPAN_COARSE_BUCKETS * finePerCoarse + 3));
        this.coarse = new CoarseRing(coarseWidth, (int) ceilDiv(settings.window().toNanos(), coarseWidth) + 1);
        if (settings.latencyEnabled()) {
            long lw = settings.latencyBucket().toNanos();
            this.latency = new LatencyRing(lw, (int) ceilDiv(settings.window().toNanos(), lw) + 1,
                    SloSettings.HIGHEST_TRACKABLE_LATENCY_NANOS, settings.latencyPrecision());
            this.windowHistogram = new Histogram(LatencyRing.LOWEST_DISCERNIBLE_NANOS,
                    SloSettings.HIGHEST_TRACKABLE_LATENCY_NANOS, settings.latencyPrecision());
        } else {
            this.latency = null;
            this.windowHistogram = null;
        }
        apply(settings);
        refreshWallOffset();
        this.foldedThrough = Math.floorDiv(clock.nanoTime() + wallOffsetNanos, fineWidth) - 2;
    }

    /**
     * Replaces settings that keep the same bucket layout ({@link SloSettings#sameGeometry}).
     *
     * @param next the new settings
     */
    void apply(SloSettings next) {
        if (settings != null && !settings.sameGeometry(next)) {
            throw new IllegalArgumentException("bucket layout changed; build a new budget and restore its state");
        }
        this.settings = next;
        this.countRejections = next.countRejections();
        this.slowThresholdNanos = next.latencyEnabled() ? next.latencyThreshold().toNanos() : Long.MAX_VALUE;
        errorCountdown.set(1);
        latencyCountdown.set(1);
    }

    /** @return the settings in force */
    SloSettings settings() {
        return settings;
    }

    /**
     * Learns one call's outcome, for a caller without a {@link Writer}: takes the rings' locks.
     *
     * @param endNanos     when the call ended, in the clock's nanoseconds
     * @param outcome      how it ended
     * @param latencyNanos how long it took
     */
    void record(long endNanos, CallOutcome outcome, long latencyNanos) {
        record(null, endNanos, outcome, latencyNanos);
    }

    /** @return a writer for the calling thread's calls (only that thread may use it) */
    Writer writer() {
        return new Writer();
    }

    /**
     * One calling thread's recording into this budget: its own cells in the rings, written with plain
     * stores, no lock and no atomic instruction on a successful call (issue 15). Allocation-free but
     * once per thread and bucket width.
     */
    final class Writer {
        private final FineRing.Writer fineCells = fine.writer();
        private final LatencyRing.Writer latencyCells = latency == null ? null : latency.writer();

        /** @return the budget this writer records into */
        OperationBudget budget() {
            return OperationBudget.this;
        }

        /**
         * Learns one call's outcome; on the thread that made this writer.
         *
         * @param endNanos     when the call ended, in the clock's nanoseconds
         * @param outcome      how it ended
         * @param latencyNanos how long it took
         */
        void record(long endNanos, CallOutcome outcome, long latencyNanos) {
            OperationBudget.this.record(this, endNanos, outcome, latencyNanos);
        }
    }

    private void record(Writer w, long endNanos, CallOutcome outcome, long latencyNanos) {
        boolean isBad;
        if (outcome == CallOutcome.SUCCESS) {
            isBad = false;
        } else if (outcome == CallOutcome.REJECTED && !countRejections) {
            return;
        } else {
            isBad = true;
        }
        long wall = endNanos + wallOffsetNanos;
        boolean isSlow = false;
        if (!isBad && latency != null) {
            isSlow = latencyNanos > slowThresholdNanos;
            if (w != null) {
                w.latencyCells.record(wall, latencyNanos);
            } else {
                latency.record(wall, latencyNanos);
            }
        }
        if (w != null) {
            w.fineCells.record(wall, isBad, isSlow);
        } else {
            fine.record(wall, isBad, isSlow);
        }
        if (isBad) {
            if (errorCountdown.decrementAndGet() == 0) {
                wakeUp.run();
            }
        } else if (isSlow && latencyCountdown.decrementAndGet() == 0) {
            wakeUp.run();
        }
    }

    /** @return the figures now, without changing any state (for metrics) */
    synchronized SloFigures figures() {
        long wall = refreshWallOffset();
        fold(wall);
        return compute(wall).figures;
    }

    /**
     * Folds settled buckets, computes the figures and reports what changed since the last call.
     *
     * @return the evaluation
     */
    synchronized Evaluation evaluate() {
        long wall = refreshWallOffset();
        fold(wall);
        Computed c = compute(wall);
        SloFigures f = c.figures;
        List<BudgetStatus> exhausted = new ArrayList<>(2);
        List<BudgetStatus> recovered = new ArrayList<>(2);
        if (f.error().exhausted() != errorExhausted) {
            errorExhausted = f.error().exhausted();
            (errorExhausted ? exhausted : recovered).add(f.error());
        }
        errorCountdown.set(countdown(f.error(), c.errorBudgetPpm));
        if (f.latency() != null) {
            if (f.latency().exhausted() != latencyExhausted) {
                latencyExhausted = f.latency().exhausted();
                (latencyExhausted ? exhausted : recovered).add(f.latency());
            }
            latencyCountdown.set(countdown(f.latency(), c.latencyBudgetPpm));
        }
        List<BurnRateAlert> changes = new ArrayList<>();
        for (AlertState a : f.alerts()) {
            Boolean was = firing.put(a.key(), a.firing());
            if ((was != null && was) != a.firing()) {
                BurnRateRule r = a.rule();
                changes.add(new BurnRateAlert(operation, a.kind(), r.name(), r.factor(), r.longWindow(), r.shortWindow(),
                        a.longBurnRate(), a.shortBurnRate(), a.firing(), f.timestampMillis()));
            }
        }
        firing.keySet().retainAll(f.alerts().stream().map(AlertState::key).toList());
        return new Evaluation(f, exhausted, recovered, changes);
    }

    /** Failures left until the budget may be spent, ignoring the allowance new successes add. */
    private static long countdown(BudgetStatus s, long budgetPpm) {
        if (s.exhausted()) {
            return Long.MAX_VALUE;
        }
        // The smallest n with (bad + n) >= budget * (total + n) is at least floor(budget * total) - bad:
        // waking a little early costs one evaluation, waking late would delay the exhaustion event.
        return Math.max(1, Ratios.allowed(s.total(), budgetPpm) - s.bad());
    }

    private static final class Computed {
        SloFigures figures;
        long errorBudgetPpm;
        long latencyBudgetPpm;
    }

    private Computed compute(long wall) {
        SloSettings s = settings;
        long ts = Math.floorDiv(wall, 1_000_000L);
        long errorPpm = Ratios.budgetPpm(s.objective());
        long latencyPpm = Ratios.budgetPpm(s.latencyObjective());
        WindowCounts w = window(wall, s.window().toNanos(), errorPpm);
        BudgetStatus error = status(BudgetKind.ERROR, s.objective(), errorPpm, w.total, w.bad, ts);
        BudgetStatus lat = null;
        LatencySnapshot snapshot = null;
        if (latency != null && s.latencyEnabled()) {
            lat = status(BudgetKind.LATENCY, s.latencyObjective(), latencyPpm, w.successes(), w.slow, ts);
            snapshot = latencySnapshot(wall, s.window().toNanos());
        }
        List<AlertState> alerts = new ArrayList<>();
        for (BurnRateRule rule : s.alerts()) {
            WindowCounts lw = window(wall, rule.longWindow().toNanos(), errorPpm);
            WindowCounts sw = window(wall, rule.shortWindow().toNanos(), errorPpm);
            alerts.add(alert(BudgetKind.ERROR, rule, Ratios.burnRate(lw.bad, lw.total, errorPpm),
                    Ratios.burnRate(sw.bad, sw.total, errorPpm), sw.total, s.alertMinRequests()));
            if (lat != null) {
                alerts.add(alert(BudgetKind.LATENCY, rule, Ratios.burnRate(lw.slow, lw.successes(), latencyPpm),
                        Ratios.burnRate(sw.slow, sw.successes(), latencyPpm), sw.successes(), s.alertMinRequests()));
            }
        }
        Computed c = new Computed();
        c.figures = new SloFigures(operation, s.window(), error, lat, lat == null ? 0 : s.latencyThreshold().toNanos(),
                snapshot, w.downNanos, alerts, ts);
        c.errorBudgetPpm = errorPpm;
        c.latencyBudgetPpm = latencyPpm;
        return c;
    }

    private static AlertState alert(BudgetKind kind, BurnRateRule rule, double longRate, double shortRate, long shortEvents,
            int minEvents) {
        boolean fires = shortEvents > 0 && shortEvents >= minEvents && longRate >= rule.factor() && shortRate >= rule.factor();
        return new AlertState(kind, rule, longRate, shortRate, shortEvents, fires);
    }

    private BudgetStatus status(BudgetKind kind, double objective, long budgetPpm, long total, long bad, long ts) {
        boolean exhausted = bad > 0 && Ratios.atOrOver(bad, total, budgetPpm);
        return new BudgetStatus(operation, kind, objective, total, bad, Ratios.allowed(total, budgetPpm),
                Ratios.remaining(bad, total, budgetPpm), exhausted, ts);
    }

    /** Sums the counts of the {@code lengthNanos} ending at {@code wall} (the current bucket counts whole). */
    private WindowCounts window(long wall, long lengthNanos, long errorPpm) {
        WindowCounts c = new WindowCounts();
        long eNow = Math.floorDiv(wall, fineWidth);
        if (lengthNanos <= fineSpanNanos) {
            addFine(c, eNow - ceilDiv(lengthNanos, fineWidth), errorPpm);
        } else {
            long from = Math.floorDiv(eNow, finePerCoarse) - ceilDiv(lengthNanos, coarseWidth);
            for (int i = 0, n = coarse.size(); i < n; i++) {
                if (coarse.stamp(i) > from) {
                    c.total += coarse.total(i);
                    c.bad += coarse.bad(i);
                    c.slow += coarse.slow(i);
                    c.downNanos += coarse.downNanos(i);
                }
            }
            addFine(c, foldedThrough, errorPpm);
        }
        return c;
    }

    private void addFine(WindowCounts c, long afterEpoch, long errorPpm) {
        for (int i = 0, n = fine.size(); i < n; i++) {
            if (fine.stamp(i) > afterEpoch) {
                long t = fine.total(i);
                long b = fine.bad(i);
                c.total += t;
                c.bad += b;
                c.slow += fine.slow(i);
                if (Ratios.over(b, t, errorPpm)) {
                    c.downNanos += fineWidth;
                }
            }
        }
    }

    private LatencySnapshot latencySnapshot(long wall, long lengthNanos) {
        long lw = latency.widthNanos();
        long from = Math.floorDiv(wall, lw) - ceilDiv(lengthNanos, lw);
        windowHistogram.reset();
        for (int i = 0, n = latency.size(); i < n; i++) {
            if (latency.stamp(i) > from) {
                latency.addTo(i, windowHistogram);
            }
        }
        Histogram h = windowHistogram;
        if (h.getTotalCount() == 0) {
            return LatencySnapshot.EMPTY;
        }
        return new LatencySnapshot(h.getTotalCount(), h.getMinValue(), h.getMaxValue(), h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(95),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9));
    }

    /** Moves settled fine buckets (two behind the current one) into the coarse ring. */
    private void fold(long wall) {
        long settled = Math.floorDiv(wall, fineWidth) - 2;
        if (settled <= foldedThrough) {
            return;
        }
        long errorPpm = Ratios.budgetPpm(settings.objective());
        for (int i = 0, n = fine.size(); i < n; i++) {
            long e = fine.stamp(i);
            if (e > foldedThrough && e <= settled) {
                long t = fine.total(i);
                long b = fine.bad(i);
                coarse.add(Math.floorDiv(e, finePerCoarse), t, b, fine.slow(i), Ratios.over(b, t, errorPpm) ? fineWidth : 0);
            }
        }
        foldedThrough = settled;
    }

    private long refreshWallOffset() {
        long nanos = clock.nanoTime();
        long offset = Math.multiplyExact(clock.currentTimeMillis(), 1_000_000L) - nanos;
        wallOffsetNanos = offset;
        return nanos + offset;
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    // ---- state handed to BudgetStateCodec (guarded by this) ----

    String operation() {
        return operation;
    }

    FineRing fine() {
        return fine;
    }

    CoarseRing coarse() {
        return coarse;
    }

    LatencyRing latency() {
        return latency;
    }

    long foldedThrough() {
        return foldedThrough;
    }

    void foldedThrough(long epoch) {
        this.foldedThrough = epoch;
    }

    boolean errorExhausted() {
        return errorExhausted;
    }

    boolean latencyExhausted() {
        return latencyExhausted;
    }

    void exhausted(boolean error, boolean latencyBudget) {
        this.errorExhausted = error;
        this.latencyExhausted = latencyBudget;
    }

    Map<String, Boolean> firing() {
        return firing;
    }

    /** Folds whatever is settled now; used after restoring state. */
    void foldNow() {
        fold(refreshWallOffset());
    }
}
