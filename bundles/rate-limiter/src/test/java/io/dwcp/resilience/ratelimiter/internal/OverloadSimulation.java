package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * A discrete-event simulation of an overloaded server, in simulated time: clients send requests
 * at a fixed Poisson rate; a limiter admits or rejects each; admitted requests go to a server with
 * {@code workers} workers, a FIFO queue without bound and exponential service times, so latency
 * grows with load; a client gives up after {@code clientTimeout}, but the server still does the
 * work (that is how overload turns into congestion collapse).
 *
 * <p>Goodput counts requests that completed within the client's timeout. Everything is seeded, so
 * a run gives the same figures every time.
 */
final class OverloadSimulation {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    /** Admission control under test. */
    interface Limiter {
        /** @return whether the request may go to the server */
        boolean admit(long now);

        /** The request admitted at {@code admittedAt} completed at {@code now}. */
        void completed(long admittedAt, long now, boolean timedOut);

        /** @return the current limit, for the trace */
        double limit();
    }

    /** The server and the load. */
    record Scenario(int workers, long meanServiceNanos, double offeredRate, long clientTimeoutNanos, long durationNanos,
            long warmupNanos, long seed) {

        double capacity() {
            return workers * (double) SECOND / meanServiceNanos;
        }
    }

    /** What a run measured after its warm-up. */
    record Result(String name, double offered, double admittedRate, double goodput, double capacity, long p50, long p95,
            long p99, long max, double limitMean, double limitMin, double limitMax, List<Long> windowP95s) {

        double goodputShare() {
            return goodput / capacity;
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f (%.0f %%) | %.1f | %.1f | %.1f | %.1f | %s |",
                    name, offered, admittedRate, goodput, 100 * goodputShare(), p50 / 1e6, p95 / 1e6, p99 / 1e6,
                    max / 1e6, Double.isInfinite(limitMean) ? "none" : limitMin == limitMax ? String.format(Locale.ROOT, "%.0f", limitMean)
                            : String.format(Locale.ROOT, "%.0f (%.0f..%.0f)", limitMean, limitMin, limitMax));
        }
    }

    private record Event(long time, int kind, long admittedAt) implements Comparable<Event> {
        static final int ARRIVAL = 0;
        static final int COMPLETION = 1;

        @Override
        public int compareTo(Event o) {
            return time != o.time ? Long.compare(time, o.time) : Integer.compare(kind, o.kind);
        }
    }

    private OverloadSimulation() {
    }

    static Result run(String name, Scenario sc, ManualTimeSource clock, Limiter limiter) {
        Random random = new Random(sc.seed());
        PriorityQueue<Event> events = new PriorityQueue<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        Histogram latencies = new Histogram(3_600_000_000_000L, 3);
        Histogram windowLatencies = new Histogram(3_600_000_000_000L, 3);
        List<Long> windowP95s = new ArrayList<>();
        long start = clock.nanoTime();
        long end = start + sc.durationNanos();
        long measureFrom = start + sc.warmupNanos();
        long nextWindow = measureFrom + SECOND;
        int busy = 0;
        long arrivals = 0;
        long admitted = 0;
        long good = 0;
        double limitSum = 0;
        double limitMin = Double.MAX_VALUE;
        double limitMax = 0;
        long limitSamples = 0;
        events.add(new Event(start + exponential(random, SECOND / sc.offeredRate()), Event.ARRIVAL, 0));
        while (!events.isEmpty()) {
            Event e = events.poll();
            if (e.time() > end) {
                break;
            }
            clock.advanceNanos(e.time() - clock.nanoTime());
            long now = e.time();
            boolean measuring = now >= measureFrom;
            if (e.kind() == Event.ARRIVAL) {
                events.add(new Event(now + exponential(random, SECOND / sc.offeredRate()), Event.ARRIVAL, 0));
                if (measuring) {
                    arrivals++;
                    double l = limiter.limit();
                    limitSum += l;
                    limitSamples++;
                    limitMin = Math.min(limitMin, l);
                    limitMax = Math.max(limitMax, l);
                }
                if (limiter.admit(now)) {
                    if (measuring) {
                        admitted++;
                    }
                    if (busy < sc.workers()) {
                        busy++;
                        events.add(new Event(now + exponential(random, sc.meanServiceNanos()), Event.COMPLETION, now));
                    } else {
                        queue.add(now);
                    }
                }
            } else {
                long latency = now - e.admittedAt();
                boolean timedOut = latency > sc.clientTimeoutNanos();
                limiter.completed(e.admittedAt(), now, timedOut);
                if (measuring && e.admittedAt() >= measureFrom) {
                    latencies.recordValue(latency);
                    windowLatencies.recordValue(latency);
                    if (!timedOut) {
                        good++;
                    }
                }
                if (now >= nextWindow) {
                    windowP95s.add(windowLatencies.getTotalCount() == 0 ? 0 : windowLatencies.getValueAtPercentile(95));
                    windowLatencies.reset();
                    nextWindow += SECOND;
                }
                Long waiting = queue.poll();
                if (waiting != null) {
                    events.add(new Event(now + exponential(random, sc.meanServiceNanos()), Event.COMPLETION, waiting));
                } else {
                    busy--;
                }
            }
        }
        double seconds = (sc.durationNanos() - sc.warmupNanos()) / (double) SECOND;
        return new Result(name, arrivals / seconds, admitted / seconds, good / seconds, sc.capacity(),
                latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(95),
                latencies.getValueAtPercentile(99), latencies.getMaxValue(), limitSum / Math.max(1, limitSamples),
                limitMin, limitMax, windowP95s);
    }

    private static long exponential(Random random, double mean) {
        return Math.max(1, (long) (-Math.log(1.0 - random.nextDouble()) * mean));
    }

    // ---- limiters

    static Limiter unlimited() {
        return new Limiter() {
            @Override
            public boolean admit(long now) {
                return true;
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
            }

            @Override
            public double limit() {
                return Double.POSITIVE_INFINITY;
            }
        };
    }

    static Limiter fixedRate(TokenBucket bucket) {
        return new Limiter() {
            @Override
            public boolean admit(long now) {
                return bucket.tryAcquire(1, now, 0) == 0;
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
            }

            @Override
            public double limit() {
                return bucket.rate();
            }
        };
    }

    static Limiter adaptiveRate(AdaptiveRateController controller) {
        return new Limiter() {
            @Override
            public boolean admit(long now) {
                return controller.bucket().tryAcquire(1, now, 0) == 0;
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
                controller.record(now - admittedAt, now);
            }

            @Override
            public double limit() {
                return controller.rate();
            }
        };
    }

    static Limiter concurrency(ConcurrencyLimiter limiter) {
        return new Limiter() {
            @Override
            public boolean admit(long now) {
                return limiter.tryAcquire();
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
                limiter.release(now - admittedAt, timedOut, now);
            }

            @Override
            public double limit() {
                return limiter.limit();
            }
        };
    }

    static String header() {
        return "| limiter | offered/s | admitted/s | goodput/s (of capacity) | P50 ms | P95 ms | P99 ms | max ms | limit mean (min..max) |\n"
                + "|---|---|---|---|---|---|---|---|---|";
    }
}
