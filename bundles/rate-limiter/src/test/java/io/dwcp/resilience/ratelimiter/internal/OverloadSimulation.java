package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * A discrete-event simulation of an overloaded server, in simulated time: clients send requests
 * at a fixed Poisson rate; a limiter admits or rejects each; admitted requests go to a server with
 * {@code workers} workers, a FIFO queue without bound and random service times, so latency grows
 * with load; a client gives up after {@code clientTimeout}, but the server still does the work
 * (that is how overload turns into congestion collapse). A scenario may halve the workers in
 * mid-run (capacity drops to half).
 *
 * <p>Arrivals and service times come from separate random streams, so every limiter sees the same
 * arrivals. Goodput counts requests that completed within the client's timeout. Everything is
 * seeded: a run gives the same figures every time.
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

    /** Service time of one request. */
    interface ServiceTime {
        long next(SplittableRandom random);

        double meanNanos();

        String describe();
    }

    static ServiceTime exponential(long meanNanos) {
        return new ServiceTime() {
            @Override
            public long next(SplittableRandom random) {
                return draw(random, meanNanos);
            }

            @Override
            public double meanNanos() {
                return meanNanos;
            }

            @Override
            public String describe() {
                return "exponential " + meanNanos / MS + " ms";
            }
        };
    }

    /** A mixture of two exponentials: {@code fastShare} of requests have mean {@code fast}, the rest mean {@code slow}. */
    static ServiceTime bimodal(double fastShare, long fastNanos, long slowNanos) {
        return new ServiceTime() {
            @Override
            public long next(SplittableRandom random) {
                return draw(random, random.nextDouble() < fastShare ? fastNanos : slowNanos);
            }

            @Override
            public double meanNanos() {
                return fastShare * fastNanos + (1 - fastShare) * slowNanos;
            }

            @Override
            public String describe() {
                return String.format(Locale.ROOT, "bimodal %.0f %% ~%d ms, %.0f %% ~%d ms", 100 * fastShare,
                        fastNanos / MS, 100 * (1 - fastShare), slowNanos / MS);
            }
        };
    }

    /**
     * The server and the load.
     *
     * @param dropAtNanos   when the workers halve (from the start of the run), or -1
     * @param targetNanos   the latency the latency-target limiters are configured with on this server
     *                      (the P95 limiter's target, AIMD's drop latency)
     */
    record Scenario(String name, int workers, ServiceTime service, double offeredRate, long clientTimeoutNanos,
            long durationNanos, long warmupNanos, long dropAtNanos, long targetNanos) {

        double capacity() {
            return workers * (double) SECOND / service.meanNanos();
        }

        double capacityAfterDrop() {
            return (workers / 2) * (double) SECOND / service.meanNanos();
        }

        String describe() {
            return String.format(Locale.ROOT, "%s: %d workers x %s (capacity %.0f/s), Poisson %.0f/s%s; latency target"
                    + " %d ms", name, workers, service.describe(), capacity(), offeredRate, dropAtNanos < 0 ? ""
                            : String.format(Locale.ROOT, ", workers halve at %d s", dropAtNanos / SECOND),
                    targetNanos / MS);
        }
    }

    /**
     * What a run measured after its warm-up.
     *
     * @param goodputShare   calls completed within the client timeout / what the server could do meanwhile
     * @param recoveryNanos  after the drop: how long until every later 5 s stretch had goodput within 10 % of
     *                       the new capacity and every second a P99 under 1 s (-1 without a drop, MAX if never)
     * @param settledP95     P95 of the calls admitted after warm-up, except during the 10 s after a drop
     * @param settledShare   share of seconds (after warm-up, except the 10 s after a drop) whose P95 was within
     *                       80..120 % of the scenario's target
     */
    record Result(String limiter, Scenario scenario, long seed, double goodputShare, long p95, long p99,
            double limitMean, double limitMin, double limitMax, long recoveryNanos, long settledP95,
            double settledShare) {
    }

    private OverloadSimulation() {
    }

    static Result run(String name, Scenario sc, long seed, ManualTimeSource clock, Limiter limiter) {
        long p95Target = sc.targetNanos();
        SplittableRandom arrivals = new SplittableRandom(seed);
        SplittableRandom service = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        CompletionHeap running = new CompletionHeap(sc.workers());
        ArrayDeque<Long> queue = new ArrayDeque<>();
        Histogram latencies = new Histogram(3_600_000_000_000L, 2);
        Histogram settledLatencies = new Histogram(3_600_000_000_000L, 2);
        int seconds = (int) (sc.durationNanos() / SECOND) + 1;
        Histogram[] perSecond = new Histogram[seconds];
        long[] goodPerSecond = new long[seconds];
        long start = clock.nanoTime();
        long end = start + sc.durationNanos();
        long measureFrom = start + sc.warmupNanos();
        long unsettledFrom = sc.dropAtNanos() < 0 ? Long.MAX_VALUE : start + sc.dropAtNanos();
        long unsettledTo = unsettledFrom == Long.MAX_VALUE ? Long.MAX_VALUE : unsettledFrom + 10 * SECOND;
        long dropAt = sc.dropAtNanos() < 0 ? Long.MAX_VALUE : start + sc.dropAtNanos();
        int workers = sc.workers();
        int busy = 0;
        long good = 0;
        double limitSum = 0;
        double limitMin = Double.MAX_VALUE;
        double limitMax = 0;
        long limitSamples = 0;
        double meanGap = SECOND / sc.offeredRate();
        long nextArrival = start + draw(arrivals, meanGap);
        for (;;) {
            boolean arrival = running.isEmpty() || nextArrival < running.peekTime();
            long now = arrival ? nextArrival : running.peekTime();
            if (now > end) {
                break;
            }
            if (now >= dropAt) {
                workers = sc.workers() / 2;
                dropAt = Long.MAX_VALUE;
            }
            clock.advanceNanos(now - clock.nanoTime());
            boolean measuring = now >= measureFrom;
            if (arrival) {
                nextArrival = now + draw(arrivals, meanGap);
                if (measuring) {
                    double l = limiter.limit();
                    limitSum += l;
                    limitSamples++;
                    limitMin = Math.min(limitMin, l);
                    limitMax = Math.max(limitMax, l);
                }
                if (limiter.admit(now)) {
                    if (busy < workers) {
                        busy++;
                        running.add(now + sc.service().next(service), now);
                    } else {
                        queue.add(now);
                    }
                }
            } else {
                long admittedAt = running.peekAdmitted();
                running.poll();
                long latency = now - admittedAt;
                boolean timedOut = latency > sc.clientTimeoutNanos();
                limiter.completed(admittedAt, now, timedOut);
                int second = (int) ((now - start) / SECOND);
                if (perSecond[second] == null) {
                    perSecond[second] = new Histogram(3_600_000_000_000L, 2);
                }
                perSecond[second].recordValue(latency);
                if (!timedOut) {
                    goodPerSecond[second]++;
                }
                if (measuring && admittedAt >= measureFrom) {
                    latencies.recordValue(latency);
                    if (admittedAt < unsettledFrom || admittedAt >= unsettledTo) {
                        settledLatencies.recordValue(latency);
                    }
                    if (!timedOut) {
                        good++;
                    }
                }
                Long waiting = busy <= workers ? queue.poll() : null;
                if (waiting != null) {
                    running.add(now + sc.service().next(service), waiting);
                } else {
                    busy--;
                }
            }
        }
        double measured = (sc.durationNanos() - sc.warmupNanos()) / (double) SECOND;
        double possible = sc.dropAtNanos() < 0 ? sc.capacity() * measured
                : sc.capacity() * (sc.dropAtNanos() - sc.warmupNanos()) / SECOND
                        + sc.capacityAfterDrop() * (sc.durationNanos() - sc.dropAtNanos()) / SECOND;
        int firstMeasured = (int) (sc.warmupNanos() / SECOND);
        int dropSecond = sc.dropAtNanos() < 0 ? -1 : (int) (sc.dropAtNanos() / SECOND);
        int settled = 0;
        int counted = 0;
        for (int s = firstMeasured; s < seconds - 1; s++) {
            if (dropSecond >= 0 && s >= dropSecond && s < dropSecond + 10) {
                continue;
            }
            counted++;
            long p95 = perSecond[s] == null ? 0 : perSecond[s].getValueAtPercentile(95);
            if (p95 >= 0.8 * p95Target && p95 <= 1.2 * p95Target) {
                settled++;
            }
        }
        long recovery = dropSecond < 0 ? -1 : recovery(perSecond, goodPerSecond, dropSecond, seconds - 1,
                sc.capacityAfterDrop());
        return new Result(name, sc, seed, good / possible, latencies.getValueAtPercentile(95),
                latencies.getValueAtPercentile(99), limitSum / Math.max(1, limitSamples), limitMin, limitMax, recovery,
                settledLatencies.getValueAtPercentile(95), counted == 0 ? 0 : settled / (double) counted);
    }

    /** The first second after the drop from which on every 5 s stretch is back to capacity with P99 under 1 s. */
    private static long recovery(Histogram[] perSecond, long[] good, int dropSecond, int lastFull, double capacity) {
        int recovered = Integer.MAX_VALUE;
        for (int s = lastFull - 5; s >= dropSecond; s--) {
            long sum = 0;
            boolean fast = true;
            for (int i = s; i < s + 5; i++) {
                sum += good[i];
                fast &= perSecond[i] != null && perSecond[i].getValueAtPercentile(99) < SECOND;
            }
            if (!fast || sum < 0.9 * capacity * 5) {
                break;
            }
            recovered = s;
        }
        return recovered == Integer.MAX_VALUE ? Long.MAX_VALUE : (recovered - dropSecond) * SECOND;
    }

    static long draw(SplittableRandom random, double mean) {
        return Math.max(1, (long) (-Math.log(1.0 - random.nextDouble()) * mean));
    }

    /** The requests in service, by completion time: a binary heap of (time, admittedAt) pairs. */
    private static final class CompletionHeap {
        private long[] times;
        private long[] admitted;
        private int size;

        CompletionHeap(int capacity) {
            times = new long[capacity + 1];
            admitted = new long[capacity + 1];
        }

        boolean isEmpty() {
            return size == 0;
        }

        long peekTime() {
            return times[0];
        }

        long peekAdmitted() {
            return admitted[0];
        }

        void add(long time, long admittedAt) {
            if (size == times.length) {
                times = java.util.Arrays.copyOf(times, size * 2);
                admitted = java.util.Arrays.copyOf(admitted, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (times[parent] <= time) {
                    break;
                }
                times[i] = times[parent];
                admitted[i] = admitted[parent];
                i = parent;
            }
            times[i] = time;
            admitted[i] = admittedAt;
        }

        void poll() {
            long time = times[--size];
            long adm = admitted[size];
            int i = 0;
            for (;;) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && times[child + 1] < times[child]) {
                    child++;
                }
                if (times[child] >= time) {
                    break;
                }
                times[i] = times[child];
                admitted[i] = admitted[child];
                i = child;
            }
            times[i] = time;
            admitted[i] = adm;
        }
    }

    // ---- limiters

    static Limiter adaptiveRate(AdaptiveRateController controller) {
        return new Limiter() {
            @Override
            public boolean admit(long now) {
                if (!controller.tryStart()) {
                    return false;
                }
                if (controller.bucket().tryAcquire(1, now, 0) == 0) {
                    return true;
                }
                controller.finished();
                return false;
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
                controller.finished();
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

    /** A Netflix concurrency-limits {@code Limit}, driven as its {@code SimpleLimiter} drives it. */
    static Limiter netflix(com.netflix.concurrency.limits.Limit limit) {
        return new Limiter() {
            private int inflight;

            @Override
            public boolean admit(long now) {
                if (inflight >= limit.getLimit()) {
                    return false;
                }
                inflight++;
                return true;
            }

            @Override
            public void completed(long admittedAt, long now, boolean timedOut) {
                // SimpleLimiter reports the in-flight count seen at acquisition; the count now is close enough
                limit.onSample(admittedAt, now - admittedAt, inflight, timedOut);
                inflight--;
            }

            @Override
            public double limit() {
                return limit.getLimit();
            }
        };
    }
}
