package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler that runs tasks only when the test moves the clock past their due time. */
final class ManualScheduler implements Scheduler {

    private final ManualTimeSource clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualScheduler(ManualTimeSource clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(clock.nanoTime() + Math.max(0, delayNanos), sequence++, task);
        tasks.add(t);
        return () -> {
            synchronized (ManualScheduler.this) {
                tasks.remove(t);
            }
        };
    }

    /** Runs what is due now. */
    void runDue() {
        advanceMillis(0);
    }

    /** Moves the clock forward, running every task that falls due on the way, at its due time. */
    void advanceMillis(long millis) {
        long target = clock.nanoTime() + millis * 1_000_000L;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due <= target)
                        .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq)).orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
            }
            if (next.due > clock.nanoTime()) {
                clock.advanceNanos(next.due - clock.nanoTime());
            }
            next.task.run();
        }
        if (target > clock.nanoTime()) {
            clock.advanceNanos(target - clock.nanoTime());
        }
    }

    synchronized int pending() {
        return tasks.size();
    }

    private record Task(long due, long seq, Runnable task) {
    }
}
