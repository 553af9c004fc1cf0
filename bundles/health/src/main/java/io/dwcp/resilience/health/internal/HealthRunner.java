package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.health.HealthCheck;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthListener;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.health.HealthResult;
import io.dwcp.resilience.api.health.HealthStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs health checks periodically, each with its own interval and timeout, and keeps their
 * status, counters and the overall status.
 *
 * <p>Every run executes on a worker thread; a timeout task on the scheduler settles the run as
 * {@link HealthStatus#UNHEALTHY} when it takes too long and interrupts the worker. A check whose
 * run is still going is not started again (so a check that ignores interruption holds at most one
 * worker), and every interval that passes while it hangs counts as another failed run. Hence a hung
 * check cannot stall the others, nor pile up threads.
 *
 * <p>Status changes go, in order, to the {@link HealthEvents} and to the listeners, on the notifier
 * executor; listeners never run under the runner's lock. State changes take the runner's lock; the
 * checks themselves run outside it.
 */
final class HealthRunner implements HealthMonitor {

    /** How a check was taken in by {@link #add}. */
    enum Admission {
        /** Scheduled. */
        ACTIVE,
        /** Another check has the same name; this one waits until that one goes away. */
        WAITING,
        /** The name is blank or reserved. */
        REFUSED
    }

    private final TimeSource clock;
    private final Scheduler scheduler;
    private final Executor workers;
    private final Executor notifier;
    private final HealthEvents events;
    private volatile HealthConfig settings;

    // guarded by this
    private final Map<Long, CheckState> byKey = new HashMap<>();
    private final Map<String, CheckState> active = new TreeMap<>();
    private final Map<Long, CheckState> waiting = new LinkedHashMap<>();
    private HealthStatus overall = HealthStatus.HEALTHY;
    private HealthResult overallResult;
    private boolean stopped;

    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param clock     for timestamps and durations
     * @param scheduler for runs and timeouts
     * @param workers   runs the checks; must not queue behind a hung check (a cached pool, or a
     *                  direct executor in tests)
     * @param notifier  runs listener callbacks in order (a single thread)
     * @param events    told of every status change
     * @param settings  defaults for checks that do not set their own interval and timeout
     */
    HealthRunner(TimeSource clock, Scheduler scheduler, Executor workers, Executor notifier, HealthEvents events,
            HealthConfig settings) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.workers = workers;
        this.notifier = notifier;
        this.events = events;
        this.settings = settings;
        this.overallResult = HealthResult.healthy("no health checks", clock.currentTimeMillis());
    }

    /** @param settings new defaults, used from each check's next run on */
    void updateSettings(HealthConfig settings) {
        this.settings = settings;
    }

    /**
     * Takes a check in and runs it at once.
     *
     * @param key            identifies the registration (the service id)
     * @param check          the check
     * @param name           its name
     * @param intervalMillis its interval, or -1 for the default
     * @param timeoutMillis  its timeout, or -1 for the default
     * @return what happened
     */
    synchronized Admission add(long key, HealthCheck check, String name, long intervalMillis, long timeoutMillis) {
        if (stopped || byKey.containsKey(key)) {
            return Admission.REFUSED;
        }
        if (name == null || name.isBlank() || OVERALL.equals(name)) {
            return Admission.REFUSED;
        }
        CheckState state = new CheckState(key, check, name, intervalMillis, timeoutMillis,
                new HealthResult(HealthStatus.UNKNOWN, "not run yet", Map.of(), clock.currentTimeMillis()));
        byKey.put(key, state);
        if (active.containsKey(name)) {
            waiting.put(key, state);
            return Admission.WAITING;
        }
        activate(state);
        return Admission.ACTIVE;
    }

    /**
     * Changes the interval and timeout of a check, from its next run on.
     *
     * @param key            the registration
     * @param intervalMillis the interval, or -1 for the default
     * @param timeoutMillis  the timeout, or -1 for the default
     */
    synchronized void update(long key, long intervalMillis, long timeoutMillis) {
        CheckState state = byKey.get(key);
        if (state != null) {
            state.intervalMillis = intervalMillis;
            state.timeoutMillis = timeoutMillis;
        }
    }

    /**
     * Stops running a check. Its status, if known, changes to {@link HealthStatus#UNKNOWN}; a waiting
     * check of the same name takes its place.
     *
     * @param key the registration
     * @return the name of the check removed, or {@code null}
     */
    synchronized String remove(long key) {
        CheckState state = byKey.remove(key);
        if (state == null) {
            return null;
        }
        if (waiting.remove(key) != null) {
            return state.name;
        }
        active.remove(state.name);
        state.removed = true;
        cancelTasks(state);
        if (state.status != HealthStatus.UNKNOWN) {
            HealthResult gone = new HealthResult(HealthStatus.UNKNOWN, "check removed", Map.of(), clock.currentTimeMillis());
            enqueue(new StatusChange(state.name, state.status, HealthStatus.UNKNOWN, gone));
        }
        for (Iterator<CheckState> it = waiting.values().iterator(); it.hasNext();) {
            CheckState next = it.next();
            if (next.name.equals(state.name)) {
                it.remove();
                activate(next);
                break;
            }
        }
        updateOverall();
        return state.name;
    }

    /** Cancels every scheduled run and interrupts the running ones; nothing runs after it. */
    synchronized void stop() {
        stopped = true;
        for (CheckState state : active.values()) {
            cancelTasks(state);
        }
    }

    /**
     * Adds a listener; it first hears the current status of every check that has one.
     *
     * @param listener the listener
     */
    synchronized void addListener(HealthListener listener) {
        listeners.add(listener);
        List<StatusChange> replay = new ArrayList<>();
        for (CheckState state : active.values()) {
            if (state.status != HealthStatus.UNKNOWN) {
                replay.add(new StatusChange(state.name, HealthStatus.UNKNOWN, state.status, state.lastResult));
            }
        }
        if (!active.isEmpty() && overall != HealthStatus.UNKNOWN) {
            replay.add(new StatusChange(OVERALL, HealthStatus.UNKNOWN, overall, overallResult));
        }
        if (!replay.isEmpty()) {
            HealthListener[] only = {listener};
            execute(() -> {
                for (StatusChange change : replay) {
                    deliver(change, only);
                }
            });
        }
    }

    /** @param listener a listener to forget; it hears nothing more */
    void removeListener(HealthListener listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized HealthStatus status() {
        return overall;
    }

    @Override
    public synchronized List<HealthCheckReport> reports() {
        List<HealthCheckReport> reports = new ArrayList<>(active.size());
        for (CheckState state : active.values()) {
            reports.add(report(state));
        }
        return reports;
    }

    @Override
    public synchronized Optional<HealthCheckReport> report(String check) {
        CheckState state = active.get(check);
        return state == null ? Optional.empty() : Optional.of(report(state));
    }

    /** @return the result behind the overall status */
    synchronized HealthResult overallResult() {
        return overallResult;
    }

    private HealthCheckReport report(CheckState s) {
        int recent = (int) Math.min(s.runs, Long.SIZE);
        double recentRate = recent == 0 ? Double.NaN
                : (double) Long.bitCount(recent == Long.SIZE ? s.recentBits : s.recentBits & ((1L << recent) - 1)) / recent;
        return new HealthCheckReport(s.name, s.status, s.lastResult, s.runs, s.successes, s.timeouts, recentRate,
                s.lastDurationNanos, intervalMillis(s), timeoutMillis(s));
    }

    // ---- running ----------------------------------------------------------------------------

    private void activate(CheckState state) {
        active.put(state.name, state);
        state.nextRun = scheduler.schedule(() -> trigger(state), 0);
        updateOverall();
    }

    private long intervalMillis(CheckState s) {
        return s.intervalMillis > 0 ? s.intervalMillis : settings.default_interval_ms();
    }

    private long timeoutMillis(CheckState s) {
        return s.timeoutMillis > 0 ? s.timeoutMillis : settings.default_timeout_ms();
    }

    private void trigger(CheckState s) {
        synchronized (this) {
            if (stopped || s.removed) {
                return;
            }
            s.nextRun = scheduler.schedule(() -> trigger(s), TimeUnit.MILLISECONDS.toNanos(intervalMillis(s)));
            if (s.inFlight) {
                if (s.runSettled) {
                    long hungNanos = clock.nanoTime() - s.runStartNanos;
                    record(s, result(HealthStatus.UNHEALTHY, "the run started " + TimeUnit.NANOSECONDS.toMillis(hungNanos)
                            + " ms ago still hangs; not started again"), true, hungNanos);
                }
                return;
            }
            long runId = ++s.runId;
            long timeoutMillis = timeoutMillis(s);
            s.inFlight = true;
            s.runSettled = false;
            s.runStartNanos = clock.nanoTime();
            s.timeoutTask = scheduler.schedule(() -> timeout(s, runId, timeoutMillis), TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            try {
                workers.execute(() -> execute(s, runId));
            } catch (RejectedExecutionException e) {
                // shutting down: the run never starts
                s.inFlight = false;
                s.runSettled = true;
                s.timeoutTask.cancel();
            }
        }
    }

    private void execute(CheckState s, long runId) {
        synchronized (this) {
            if (s.runId != runId || s.runSettled) {
                // timed out or removed before a worker picked it up
                s.inFlight = false;
                return;
            }
            s.worker = Thread.currentThread();
        }
        HealthResult result;
        try {
            result = s.check.check();
            if (result == null) {
                result = result(HealthStatus.UNHEALTHY, "the check returned no result");
            }
        } catch (InterruptedException e) {
            result = result(HealthStatus.UNHEALTHY, "the check was interrupted");
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            result = result(HealthStatus.UNHEALTHY, "the check failed: " + e);
        }
        finished(s, runId, result);
        // a timeout may have interrupted this worker after the check returned: do not leak that
        // into the next task of the pool
        Thread.interrupted();
    }

    private synchronized void finished(CheckState s, long runId, HealthResult result) {
        if (s.runId == runId) {
            s.inFlight = false;
            s.worker = null;
        }
        if (stopped || s.removed || s.runId != runId || s.runSettled) {
            return;
        }
        s.runSettled = true;
        s.timeoutTask.cancel();
        record(s, result, false, clock.nanoTime() - s.runStartNanos);
    }

    private synchronized void timeout(CheckState s, long runId, long timeoutMillis) {
        if (stopped || s.removed || s.runId != runId || s.runSettled || !s.inFlight) {
            return;
        }
        s.runSettled = true;
        if (s.worker != null) {
            s.worker.interrupt();
        }
        record(s, result(HealthStatus.UNHEALTHY, "timed out after " + timeoutMillis + " ms"), true,
                TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    private void cancelTasks(CheckState s) {
        if (s.nextRun != null) {
            s.nextRun.cancel();
        }
        if (s.timeoutTask != null) {
            s.timeoutTask.cancel();
        }
        if (s.worker != null) {
            s.worker.interrupt();
        }
    }

    private HealthResult result(HealthStatus status, String message) {
        return new HealthResult(status, message, Map.of(), clock.currentTimeMillis());
    }

    // ---- bookkeeping (under the lock) ---------------------------------------------------------

    private void record(CheckState s, HealthResult result, boolean timedOut, long durationNanos) {
        boolean success = !timedOut && HealthStatuses.isSuccess(result.status());
        s.runs++;
        if (success) {
            s.successes++;
        }
        if (timedOut) {
            s.timeouts++;
        }
        s.recentBits = (s.recentBits << 1) | (success ? 1L : 0L);
        s.lastDurationNanos = durationNanos;
        s.lastResult = result;
        HealthStatus from = s.status;
        s.status = result.status();
        if (from != s.status) {
            enqueue(new StatusChange(s.name, from, s.status, result));
            updateOverall();
        }
    }

    private void updateOverall() {
        int worst = -1;
        int unhealthy = 0;
        int degraded = 0;
        int unknown = 0;
        StringBuilder failing = new StringBuilder();
        for (CheckState s : active.values()) {
            int severity = HealthStatuses.severity(s.status);
            worst = Math.max(worst, severity);
            if (s.status == HealthStatus.UNHEALTHY || s.status == HealthStatus.DEGRADED) {
                failing.append(failing.length() == 0 ? "" : ", ").append(s.name).append(' ').append(s.status);
            }
            unhealthy += s.status == HealthStatus.UNHEALTHY ? 1 : 0;
            degraded += s.status == HealthStatus.DEGRADED ? 1 : 0;
            unknown += s.status == HealthStatus.UNKNOWN ? 1 : 0;
        }
        HealthStatus status;
        String message;
        if (active.isEmpty()) {
            status = HealthStatus.HEALTHY;
            message = "no health checks";
        } else if (worst < 0) {
            status = HealthStatus.UNKNOWN;
            message = "no check has run yet";
        } else {
            status = worst == 0 ? HealthStatus.HEALTHY : worst == 1 ? HealthStatus.DEGRADED : HealthStatus.UNHEALTHY;
            message = worst == 0 ? (active.size() - unknown) + " of " + active.size() + " checks healthy"
                    : failing.toString();
        }
        if (status != overall) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("checks", active.size());
            details.put("unhealthy", unhealthy);
            details.put("degraded", degraded);
            details.put("unknown", unknown);
            HealthResult result = new HealthResult(status, message, details, clock.currentTimeMillis());
            HealthStatus from = overall;
            overall = status;
            overallResult = result;
            enqueue(new StatusChange(OVERALL, from, status, result));
        } else {
            overallResult = new HealthResult(status, message, overallResult.details(), overallResult.timestampMillis());
        }
    }

    private void enqueue(StatusChange change) {
        HealthListener[] snapshot = listeners.toArray(new HealthListener[0]);
        execute(() -> {
            events.statusChanged(change);
            deliver(change, snapshot);
        });
    }

    private void execute(Runnable task) {
        try {
            notifier.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down: nobody is left to tell
        }
    }

    private void deliver(StatusChange change, HealthListener[] to) {
        for (HealthListener listener : to) {
            if (!listeners.contains(listener)) {
                continue;
            }
            try {
                listener.onStatusChanged(change.check(), change.from(), change.to(), change.result());
                if (change.to() == HealthStatus.HEALTHY) {
                    listener.onHealthy(change.check(), change.result());
                } else if (change.to() == HealthStatus.UNHEALTHY) {
                    listener.onUnhealthy(change.check(), change.result());
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                events.listenerFailed(listener, change, e);
            }
        }
    }

    /** What the runner knows about one check; guarded by the runner's lock. */
    private static final class CheckState {
        final long key;
        final HealthCheck check;
        final String name;
        long intervalMillis;
        long timeoutMillis;

        HealthStatus status = HealthStatus.UNKNOWN;
        HealthResult lastResult;
        long runs;
        long successes;
        long timeouts;
        long recentBits;
        long lastDurationNanos;

        Scheduler.Cancellable nextRun;
        Scheduler.Cancellable timeoutTask;
        Thread worker;
        long runId;
        long runStartNanos;
        boolean inFlight;
        boolean runSettled = true;
        boolean removed;

        CheckState(long key, HealthCheck check, String name, long intervalMillis, long timeoutMillis, HealthResult initial) {
            this.key = key;
            this.check = check;
            this.name = name;
            this.intervalMillis = intervalMillis;
            this.timeoutMillis = timeoutMillis;
            this.lastResult = initial;
        }
    }
}
