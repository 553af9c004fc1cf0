package io.dwcp.resilience.console.internal;

import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.transport.ManagerUnavailableException;
import io.dwcp.resilience.api.transport.TransportException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The traffic generator behind {@code dwcp:load}: open loop, message {@code i} is due at
 * {@code start + i / rate} whatever the answers before it took, so a slow peer shows as latency and
 * failures rather than as a quietly lower rate. Each message is sent on a worker; at most
 * {@code maxInFlight} wait for their acknowledgement at once, and a message due while that many are
 * out fails at once with the reason {@code overload}. Progress (the last interval's P50/P99) is printed
 * every {@code reportEvery}, a summary at the end.
 *
 * <p>Time comes from a {@link TimeSource}, so a test drives the schedule with a manual clock.
 */
final class LoadRun {

    /** One message: throws when it was not acknowledged. */
    @FunctionalInterface
    interface Sender {
        void send(byte[] payload) throws Exception;
    }

    /**
     * @param peer        the peer's node id (for the report)
     * @param rate        messages per second, positive
     * @param duration    how long to keep sending
     * @param size        payload bytes
     * @param maxInFlight most messages awaiting acknowledgement at once
     * @param reportEvery how often a progress line is printed
     */
    record Settings(String peer, double rate, Duration duration, int size, int maxInFlight, Duration reportEvery) {
    }

    /** What a run did. */
    record Summary(long sent, long acked, Map<String, Long> failed, Duration elapsed, Histogram latency, boolean interrupted) {
        long failedTotal() {
            return failed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Settings settings;
    private final Sender sender;
    private final TimeSource clock;
    private final Executor workers;
    private final PrintStream out;

    private final Semaphore inFlight;
    private final LongAdder acked = new LongAdder();
    private final Map<String, LongAdder> failed = new TreeMap<>();
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private long sent;

    LoadRun(Settings settings, Sender sender, TimeSource clock, Executor workers, PrintStream out) {
        this.settings = settings;
        this.sender = sender;
        this.clock = clock;
        this.workers = workers;
        this.out = out;
        this.inFlight = new Semaphore(settings.maxInFlight());
    }

    /** Runs to the end of the duration (or until interrupted), waits for the answers still out, and returns the summary. */
    Summary run() {
        byte[] payload = new byte[settings.size()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26); // compressible like text, so compression is exercised too
        }
        long start = clock.nanoTime();
        long end = start + settings.duration().toNanos();
        long every = settings.reportEvery().toNanos();
        long nextReport = start + every;
        double nanosPerMessage = 1e9 / settings.rate();
        boolean interrupted = false;
        out.printf(Locale.ROOT, "sending %s msg/s of %d bytes to %s for %s (Ctrl-C stops early)%n",
                Units.number(settings.rate()), settings.size(), settings.peer(), Durations.format(settings.duration()));
        try {
            for (long i = 0; ; i++) {
                long due = start + (long) (i * nanosPerMessage);
                if (due >= end) {
                    break;
                }
                while (nextReport <= due) {
                    clock.sleepUntil(nextReport);
                    progress(nextReport - start);
                    nextReport += every;
                }
                clock.sleepUntil(due);
                sent++;
                if (!inFlight.tryAcquire()) {
                    fail("overload");
                    continue;
                }
                try {
                    workers.execute(() -> sendOne(payload));
                } catch (RejectedExecutionException e) {
                    inFlight.release();
                    fail("overload");
                }
            }
            while (nextReport <= end) {
                clock.sleepUntil(nextReport);
                progress(nextReport - start);
                nextReport += every;
            }
            clock.sleepUntil(end);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        long stopped = clock.nanoTime();
        // the answers still out: each ends by its own call timeout
        try {
            if (!inFlight.tryAcquire(settings.maxInFlight(), 60, TimeUnit.SECONDS)) {
                out.println("some messages were still unanswered after 60 s; they are not counted");
            } else {
                inFlight.release(settings.maxInFlight());
            }
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
        }
        if (interrupted || stopped - (nextReport - every) >= every / 10) {
            progress(stopped - start); // the last, partial interval, when it is one worth a line
        }
        synchronized (total) {
            total.add(recorder.getIntervalHistogram());
        }
        Map<String, Long> failures = new TreeMap<>();
        synchronized (failed) {
            failed.forEach((k, v) -> failures.put(k, v.sum()));
        }
        return new Summary(sent, acked.sum(), failures, Duration.ofNanos(stopped - start), total.copy(), interrupted);
    }

    private void sendOne(byte[] payload) {
        long t0 = clock.nanoTime();
        try {
            sender.send(payload);
            recorder.recordValue(Math.max(0, clock.nanoTime() - t0));
            acked.increment();
        } catch (InterruptedException e) {
            fail("interrupted");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(reason(e));
        } finally {
            inFlight.release();
        }
    }

    private void fail(String reason) {
        synchronized (failed) {
            failed.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }
    }

    private void progress(long elapsedNanos) {
        Histogram interval = recorder.getIntervalHistogram();
        synchronized (total) {
            total.add(interval);
        }
        StringBuilder reasons = new StringBuilder();
        long failures = 0;
        synchronized (failed) {
            for (Map.Entry<String, LongAdder> e : failed.entrySet()) {
                failures += e.getValue().sum();
                reasons.append(reasons.length() == 0 ? " (" : ", ").append(e.getKey()).append(' ').append(e.getValue().sum());
            }
        }
        if (reasons.length() > 0) {
            reasons.append(')');
        }
        out.printf(Locale.ROOT, "%6s  sent %8d  acked %8d  in flight %4d  p50 %8s ms  p99 %8s ms  failed %d%s%n",
                Durations.format(Duration.ofNanos(elapsedNanos)), sent, acked.sum(),
                settings.maxInFlight() - inFlight.availablePermits(),
                interval.getTotalCount() == 0 ? "-" : Units.millis(interval.getValueAtPercentile(50)),
                interval.getTotalCount() == 0 ? "-" : Units.millis(interval.getValueAtPercentile(99)), failures, reasons);
    }

    /**
     * The failure's reason as an operator reads it: the transport's kind ({@code timeout},
     * {@code not-connected}, {@code partitioned}…), {@code manager-unavailable}, or the resilience
     * exception's name without "Exception" ({@code call-not-permitted}, {@code rate-limited}…).
     */
    static String reason(Throwable e) {
        if (e instanceof TransportException t) {
            return t.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (e instanceof ManagerUnavailableException) {
            return "manager-unavailable";
        }
        String name = e.getClass().getSimpleName();
        if (name.endsWith("Exception") && name.length() > "Exception".length()) {
            name = name.substring(0, name.length() - "Exception".length());
        }
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Prints the summary as aligned tables. */
    static void print(Summary s, Settings settings, PrintStream out) {
        out.println();
        double seconds = Math.max(1e-9, s.elapsed().toNanos() / 1e9);
        out.printf(Locale.ROOT, "%s to %s: %s msg/s of %d bytes asked for %s, ran %s%s%n",
                s.interrupted() ? "stopped early" : "done", settings.peer(), Units.number(settings.rate()), settings.size(),
                Durations.format(settings.duration()), Durations.format(s.elapsed()), s.interrupted() ? " (interrupted)" : "");
        Table t = new Table("result", ">messages", ">share %", ">per second");
        t.row("sent", s.sent(), s.sent() == 0 ? null : "100.00", String.format(Locale.ROOT, "%.1f", s.sent() / seconds));
        t.row("acknowledged", s.acked(), share(s.acked(), s.sent()), String.format(Locale.ROOT, "%.1f", s.acked() / seconds));
        t.row("failed", s.failedTotal(), share(s.failedTotal(), s.sent()), String.format(Locale.ROOT, "%.1f", s.failedTotal() / seconds));
        for (Map.Entry<String, Long> e : s.failed().entrySet()) {
            t.row("  " + e.getKey(), e.getValue(), share(e.getValue(), s.sent()), "");
        }
        t.print(out);
        Histogram h = s.latency();
        out.println();
        Table l = new Table("acknowledged in", ">p50 ms", ">p90 ms", ">p99 ms", ">p99.9 ms", ">max ms");
        if (h.getTotalCount() == 0) {
            l.row("(none)", null, null, null, null, null);
        } else {
            l.row(h.getTotalCount() + " messages", Units.millis(h.getValueAtPercentile(50)), Units.millis(h.getValueAtPercentile(90)),
                    Units.millis(h.getValueAtPercentile(99)), Units.millis(h.getValueAtPercentile(99.9)), Units.millis(h.getMaxValue()));
        }
        l.print(out);
    }

    private static String share(long part, long whole) {
        return whole == 0 ? null : String.format(Locale.ROOT, "%.2f", 100.0 * part / whole);
    }
}
