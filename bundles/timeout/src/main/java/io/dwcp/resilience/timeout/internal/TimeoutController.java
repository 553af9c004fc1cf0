package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.kit.latency.PercentileWindow;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The timeout of one operation: sets the deadline {@code min(outer deadline, start + timeout)} on
 * the invocation for the rest of the chain, restores the outer one afterwards, turns an overrun into
 * a {@link DeadlineExceededException} naming the operation and the timeout, and feeds the adaptive
 * timeout.
 *
 * <p>Cooperative by default: the deadline is enforced where the call blocks (the transport's waits,
 * a bulkhead queue), no thread per call. The forced mode, for calls that ignore deadlines, runs the
 * rest of the chain on a {@link ForcedRunner} with a detached invocation and interrupts it on expiry.
 *
 * <p>The start of an attempt is the manager's {@link Invocation#startNanos()} for the first attempt
 * (no clock read) and a clock read for a retry. A fixed timeout reads no clock on the success path:
 * the deadline is enforced where the call blocks. The adaptive timeout reads it once at the end,
 * for the latency, and so does {@code fail.late.results}, to tell a late result from a timely one.
 * No lock, no allocation, no event on the success path: the stage publishes notable moves of an
 * adaptive timeout from its own thread ({@link #publishIfNotable()}).
 */
final class TimeoutController {

    /** Fewer calls than this in a window give no percentile: P95 of a handful of calls is noise. */
    static final int MIN_WINDOW_SAMPLES = 20;

    /** A move of the adaptive timeout by this fraction since the last report is reported (event). */
    static final double NOTABLE_CHANGE = 0.10;

    private final String operation;
    private final TimeoutSettings settings;
    /** Read on the call path: copied out of the settings' typed view. */
    private final long fixedNanos;
    private final boolean failLateResults;
    private final AdaptiveTimeout adaptive;
    private final PercentileWindow latencies;
    private final TimeoutMetrics metrics;
    private final TimeoutListener listener;
    /** Whether the success path reads the clock at the end: for the latency, or to catch late results. */
    private final boolean timesSuccesses;
    /** The timeout at the last report; only the stage's control path reads and writes it. */
    private long reportedNanos;

    /**
     * @param operation the operation
     * @param settings  the settings
     * @param metrics   counters, kept across reconfigurations
     * @param listener  hears notable moves of an adaptive timeout
     * @param nowNanos  the current time, for the latency window
     */
    TimeoutController(String operation, TimeoutSettings settings, TimeoutMetrics metrics, TimeoutListener listener,
            long nowNanos) {
        this.operation = operation;
        this.settings = settings;
        this.metrics = metrics;
        this.listener = listener;
        if (settings.mode() == TimeoutMode.ADAPTIVE) {
            TimeoutConfig c = settings.config();
            adaptive = new AdaptiveTimeout(settings.timeoutNanos(), TimeUnit.MILLISECONDS.toNanos(c.min_timeout_ms()),
                    TimeUnit.MILLISECONDS.toNanos(c.max_timeout_ms()), c.success_factor(), c.failure_factor(),
                    c.latency_multiplier());
            latencies = settings.latencyBasis() == LatencyBasis.PERCENTILE ? new PercentileWindow(c.percentile(),
                    TimeUnit.MILLISECONDS.toNanos(c.percentile_window_ms()), MIN_WINDOW_SAMPLES, nowNanos) : null;
        } else {
            adaptive = null;
            latencies = null;
        }
        fixedNanos = settings.timeoutNanos();
        failLateResults = settings.config().fail_late_results();
        timesSuccesses = adaptive != null || failLateResults;
        reportedNanos = currentTimeoutNanos();
    }

    /** @return the timeout that applies to a call starting now */
    long currentTimeoutNanos() {
        return adaptive == null ? fixedNanos : adaptive.currentNanos();
    }

    /** @return the adaptive timeout, or {@code null} in fixed mode */
    AdaptiveTimeout adaptive() {
        return adaptive;
    }

    TimeoutSettings settings() {
        return settings;
    }

    TimeoutMetrics metrics() {
        return metrics;
    }

    PercentileWindow latencies() {
        return latencies;
    }

    String operation() {
        return operation;
    }

    /**
     * Runs the rest of the chain within the timeout, cooperatively.
     *
     * @throws DeadlineExceededException when the call ran out of time
     * @throws Exception                 what the rest of the chain threw within its time
     */
    <T> T execute(Invocation inv, Next<T> next) throws Exception {
        TimeSource clock = inv.timeSource();
        long timeout = currentTimeoutNanos();
        long start = inv.attempt() == 1 ? inv.startNanos() : clock.nanoTime();
        long outer = inv.deadlineNanos();
        long own = Invocation.deadlineAfter(start, timeout);
        boolean ownBinds = own < outer;
        long deadline = ownBinds ? own : outer;
        inv.setDeadlineNanos(deadline);
        T result;
        try {
            result = next.proceed(inv);
        } catch (Exception failure) {
            throw failed(failure, start, inv.operationEndNanos(), deadline, timeout, ownBinds);
        } finally {
            inv.setDeadlineNanos(outer);
        }
        if (!timesSuccesses) {
            metrics.successes.increment();
            return result;
        }
        // The manager's reading of the operation's end (Invocation.operationEndNanos): no clock read
        // of our own on the success path.
        return succeeded(result, start, inv.operationEndNanos(), deadline, timeout, ownBinds);
    }

    /**
     * Runs the rest of the chain on {@code runner} with a detached invocation, waits until the
     * deadline at most and interrupts it then.
     *
     * @throws DeadlineExceededException when the call ran out of time
     * @throws BulkheadFullException     when every thread of the runner is busy
     * @throws InterruptedException      when the caller was interrupted while waiting
     * @throws Exception                 what the rest of the chain threw within its time
     */
    <T> T executeForced(Invocation inv, Next<T> next, ForcedRunner runner) throws Exception {
        TimeSource clock = inv.timeSource();
        long timeout = currentTimeoutNanos();
        long start = inv.attempt() == 1 ? inv.startNanos() : clock.nanoTime();
        long outer = inv.deadlineNanos();
        long own = Invocation.deadlineAfter(start, timeout);
        boolean ownBinds = own < outer;
        long deadline = ownBinds ? own : outer;
        Invocation detached = inv.detach();
        detached.setDeadlineNanos(deadline);
        Future<T> future;
        try {
            future = runner.submit(() -> next.proceed(detached));
        } catch (RejectedExecutionException e) {
            int threads = runner.maxThreads();
            throw new BulkheadFullException(operation, () -> "all " + threads
                    + " threads of the forced timeout are busy with calls that have not returned");
        }
        T result;
        try {
            long remaining = deadline == Invocation.NO_DEADLINE ? Long.MAX_VALUE : deadline - clock.nanoTime();
            result = remaining == Long.MAX_VALUE ? future.get() : future.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException expired) {
            future.cancel(true);
            metrics.interrupted.increment();
            long now = clock.nanoTime();
            throw timedOut(null, timeout, ownBinds, "interrupted at the deadline", now - start, now);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw failed((Exception) cause, start, clock.nanoTime(), deadline, timeout, ownBinds);
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
        return succeeded(result, start, clock.nanoTime(), deadline, timeout, ownBinds);
    }

    private <T> T succeeded(T result, long start, long end, long deadline, long timeout, boolean ownBinds) {
        if (end > deadline) {
            metrics.lateResults.increment();
            if (failLateResults) {
                // The caller asked for an answer by the deadline; a late one is a timeout, and
                // counting it as one lets the adaptive timeout grow.
                throw timedOut(null, timeout, ownBinds, "the call returned " + millis(end - deadline)
                        + " after the deadline", end - start, end);
            }
        }
        metrics.successes.increment();
        AdaptiveTimeout a = adaptive;
        if (a != null) {
            long latency = end - start;
            long observed = latency;
            PercentileWindow window = latencies;
            if (window != null) {
                window.record(latency, end);
                long p = window.percentileNanos();
                if (p >= 0) {
                    observed = p;
                }
            }
            a.onSuccess(observed);
        }
        return result;
    }

    private Exception failed(Exception failure, long start, long now, long deadline, long timeout, boolean ownBinds) {
        if (failure instanceof DeadlineExceededException || now > deadline) {
            // The deadline passed: whatever the call threw then (its own DeadlineExceededException, a
            // socket timeout, ...), the caller sees a timeout that names the operation and the timeout.
            return timedOut(failure, timeout, ownBinds, "", now - start, now);
        }
        metrics.failures.increment();
        AdaptiveTimeout a = adaptive;
        if (a != null && settings.growOn() == GrowOn.FAILURE) {
            a.onFailure();
        }
        return failure;
    }

    private DeadlineExceededException timedOut(Exception cause, long timeout, boolean ownBinds, String detail,
            long elapsedNanos, long nowNanos) {
        metrics.timeouts.increment();
        AdaptiveTimeout a = adaptive;
        if (a != null) {
            PercentileWindow window = latencies;
            if (window != null) {
                // A call that ran out of time took at least this long; leaving it out would let the
                // percentile drift down to the calls fast enough to survive the shrinking timeout.
                window.record(elapsedNanos, nowNanos);
            }
            a.onFailure();
        }
        DeadlineExceededException e = ownBinds
                ? new DeadlineExceededException(operation, timeout, detail)
                : new DeadlineExceededException(operation, -1,
                        "the caller's deadline, earlier than the " + millis(timeout) + " timeout" + (detail.isEmpty() ? "" : "; " + detail));
        if (cause != null) {
            e.addSuppressed(cause);
        }
        return e;
    }

    /**
     * Tells the listener if the adaptive timeout moved notably since the last report. The stage's
     * control path (its publisher thread, and deactivation) calls this, never a call: a caller's
     * thread posts no events and takes no lock.
     */
    void publishIfNotable() {
        if (adaptive == null) {
            return;
        }
        long reported = reportedNanos;
        long current = adaptive.currentNanos();
        if (Math.abs(current - reported) >= reported * NOTABLE_CHANGE) {
            reportedNanos = current;
            listener.onTimeoutChanged(operation, reported, current);
        }
    }

    private static String millis(long nanos) {
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : String.format(java.util.Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
