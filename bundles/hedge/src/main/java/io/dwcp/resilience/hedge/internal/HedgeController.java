package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hedging for one operation: sends the call's attempt on a worker thread, waits on the call's clock
 * for the hedge delay, then (budget allowing) sends a second attempt; the first success wins and
 * the other attempt is interrupted. An attempt that fails before the delay ends the call with its
 * failure: a hedge is for slowness, failures are retry's business.
 */
final class HedgeController {

    private final String operation;
    private final HedgeDelay delay;
    private final HedgeBudget budget;
    private final HedgeMetrics metrics;

    HedgeController(String operation, HedgeSettings settings, long nowNanos, HedgeMetrics metrics) {
        this.operation = operation;
        this.delay = new HedgeDelay(settings, nowNanos);
        this.budget = new HedgeBudget(settings.budgetPercent(), settings.budgetBurst());
        this.metrics = metrics;
    }

    String operation() {
        return operation;
    }

    HedgeDelay delay() {
        return delay;
    }

    HedgeMetrics metrics() {
        return metrics;
    }

    @SuppressWarnings("unchecked")
    <T> T execute(Invocation inv, Next<T> next, ExecutorService workers) throws Exception {
        TimeSource clock = inv.timeSource();
        metrics.calls.increment();
        Race race = new Race();
        long start = clock.nanoTime();
        if (!send(race, inv, next, workers, clock, start)) {
            metrics.noThread.increment();
            return next.proceed(inv); // no thread free: this call runs as if there were no hedge stage
        }
        long deadline = inv.deadlineNanos();
        try {
            long hedgeAt = Invocation.deadlineAfter(start, delay.delayNanos());
            if (!race.awaitUntil(clock, Math.min(hedgeAt, deadline)) && clock.nanoTime() - deadline < 0) {
                if (!budget.tryAcquire(metrics.calls.sum())) {
                    metrics.deniedByBudget.increment();
                } else if (send(race, inv, next, workers, clock, clock.nanoTime())) {
                    metrics.hedges.increment();
                } else {
                    metrics.noThread.increment();
                }
                race.awaitUntil(clock, deadline);
            }
            if (race.winner() >= 0) {
                won(race, clock);
                return (T) race.result();
            }
            if (race.decided()) {
                throw rethrowable(race.failure());
            }
            throw new DeadlineExceededException(operation, -1, "waiting for " + race.launched() + " hedged attempts");
        } finally {
            race.cancelRunning();
        }
    }

    /** A hedge that won: the first attempt's latency is at least what it took so far, which the delay should learn. */
    private void won(Race race, TimeSource clock) {
        if (race.winner() == 1) {
            metrics.hedgeWins.increment();
            if (!race.ended(0)) {
                long now = clock.nanoTime();
                delay.record(now - race.startNanos(0), now);
            }
        }
    }

    private <T> boolean send(Race race, Invocation inv, Next<T> next, ExecutorService workers, TimeSource clock,
            long startNanos) {
        Invocation own = inv.detach(); // the attempt may outlive the call (when it loses)
        int index = race.reserve(startNanos);
        try {
            Future<?> f = workers.submit(() -> {
                try {
                    Object value = next.proceed(own);
                    long end = clock.nanoTime();
                    delay.record(end - startNanos, end);
                    race.succeeded(index, value);
                } catch (Throwable t) {
                    race.failed(index, t);
                }
            });
            race.attach(index, f);
            return true;
        } catch (RejectedExecutionException e) {
            race.withdraw(index);
            return false;
        }
    }

    private static Exception rethrowable(Throwable t) {
        if (t instanceof Error) {
            throw (Error) t;
        }
        return t instanceof Exception ? (Exception) t : new RuntimeException(t);
    }
}
