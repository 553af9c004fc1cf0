package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.ManualTimeSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The token bucket's contract over arbitrary schedules: it never grants more than
 * {@code rate x t + burst} permits in any span from its start, whatever the request times, sizes,
 * waits, warm-up and rate changes; and it does grant what it holds.
 */
class TokenBucketProperties {

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    /** One request: after {@code gapNanos}, ask for {@code permits}, waiting at most {@code maxWaitNanos}. */
    record Request(long gapNanos, int permits, long maxWaitNanos) {
    }

    /** A grant and the instant its caller may proceed. */
    record Grant(long effectiveNanos, int permits) {
    }

    @Property(tries = 300)
    void neverGrantsMoreThanRateTimesTimePlusBurst(
            @ForAll @DoubleRange(min = 0.5, max = 50_000) double rate,
            @ForAll @IntRange(min = 1, max = 40) int burst,
            @ForAll("warmups") long warmupNanos,
            @ForAll("schedules") @Size(min = 1, max = 300) List<Request> schedule) {
        ManualTimeSource clock = new ManualTimeSource(123_456_789L, 0);
        long t0 = clock.nanoTime();
        TokenBucket bucket = new TokenBucket(rate, burst, warmupNanos, clock);
        long interval = (long) Math.ceil(1e9 / rate);
        List<Grant> grants = new ArrayList<>();
        for (Request r : schedule) {
            clock.advanceNanos(r.gapNanos() % (4 * interval));
            int permits = Math.min(r.permits(), burst);
            long wait = bucket.tryAcquire(permits, clock.nanoTime(), r.maxWaitNanos() % (3 * interval * burst));
            if (wait != TokenBucket.REFUSED) {
                grants.add(new Grant(clock.nanoTime() + wait, permits));
            }
        }
        assertBound(grants, t0, List.of(new RateFrom(t0, rate)), burst);
    }

    /** A rate in force from an instant on. */
    record RateFrom(long fromNanos, double rate) {
    }

    @Property(tries = 300)
    void rateChangesKeepTheBoundOfInitialBurstPlusTheIntegralOfTheRate(
            @ForAll @DoubleRange(min = 1, max = 5_000) double firstRate,
            @ForAll @IntRange(min = 1, max = 40) int burst,
            @ForAll("schedules") @Size(min = 1, max = 300) List<Request> schedule,
            @ForAll @Size(min = 1, max = 8) List<@DoubleRange(min = 1, max = 5_000) Double> laterRates,
            @ForAll @Size(min = 8, max = 8) List<@IntRange(min = 1, max = 40) Integer> laterBursts) {
        ManualTimeSource clock = new ManualTimeSource(-77_000_000_000L, 0);
        long t0 = clock.nanoTime();
        TokenBucket bucket = new TokenBucket(firstRate, burst, 0, clock);
        List<RateFrom> rates = new ArrayList<>(List.of(new RateFrom(t0, firstRate)));
        List<Grant> grants = new ArrayList<>();
        int changeEvery = Math.max(1, schedule.size() / (laterRates.size() + 1));
        int changes = 0;
        for (int i = 0; i < schedule.size(); i++) {
            Request r = schedule.get(i);
            long interval = (long) Math.ceil(1e9 / bucket.rate());
            clock.advanceNanos(r.gapNanos() % (4 * interval));
            if (i > 0 && i % changeEvery == 0 && changes < laterRates.size()) {
                double rate = laterRates.get(changes);
                bucket.setLimits(rate, laterBursts.get(changes), clock.nanoTime());
                rates.add(new RateFrom(clock.nanoTime(), rate));
                changes++;
            }
            int permits = Math.min(r.permits(), bucket.burst());
            // No waiting here: a waiter keeps the slot it reserved at the old rate.
            if (bucket.tryAcquire(permits, clock.nanoTime(), 0) == 0) {
                grants.add(new Grant(clock.nanoTime(), permits));
            }
        }
        assertBound(grants, t0, rates, burst);
    }

    @Property(tries = 200)
    void anIdleBucketGrantsItsWholeBurstAtOnce(
            @ForAll @DoubleRange(min = 0.5, max = 50_000) double rate,
            @ForAll @IntRange(min = 1, max = 1_000) int burst,
            @ForAll("schedules") @Size(max = 50) List<Request> before) {
        ManualTimeSource clock = new ManualTimeSource();
        TokenBucket bucket = new TokenBucket(rate, burst, 0, clock);
        long interval = (long) Math.ceil(1e9 / rate);
        for (Request r : before) {
            clock.advanceNanos(r.gapNanos() % (4 * interval));
            bucket.tryAcquire(Math.min(r.permits(), burst), clock.nanoTime(), r.maxWaitNanos() % (2 * interval));
        }
        clock.advanceNanos(3 * interval * burst); // longer than any debt plus a full refill
        if (bucket.tryAcquire(burst, clock.nanoTime(), 0) != 0) {
            throw new AssertionError("an idle bucket refused its burst of " + burst);
        }
    }

    @Property(tries = 200)
    void aDrainedBucketGrantsOnePermitPerInterval(
            @ForAll @DoubleRange(min = 0.5, max = 50_000) double rate,
            @ForAll @IntRange(min = 1, max = 100) int burst,
            @ForAll @IntRange(min = 1, max = 200) int permitsAfterwards) {
        ManualTimeSource clock = new ManualTimeSource();
        TokenBucket bucket = new TokenBucket(rate, burst, 0, clock);
        bucket.tryAcquire(burst, clock.nanoTime(), 0);
        long interval = (long) Math.ceil(1e9 / rate);
        for (int i = 0; i < permitsAfterwards; i++) {
            if (bucket.tryAcquire(1, clock.nanoTime(), 0) != TokenBucket.REFUSED) {
                throw new AssertionError("granted before the interval elapsed, permit " + i);
            }
            clock.advanceNanos(interval);
            if (bucket.tryAcquire(1, clock.nanoTime(), 0) != 0) {
                throw new AssertionError("refused after a full interval, permit " + i);
            }
        }
    }

    /**
     * Checks that by every grant's effective instant {@code e}, the permits effective by {@code e}
     * are at most {@code burst + integral of the rate from t0 to e}, in exact decimal arithmetic.
     */
    static void assertBound(List<Grant> grants, long t0, List<RateFrom> rates, int burst) {
        List<Grant> byTime = new ArrayList<>(grants);
        byTime.sort(Comparator.comparingLong(Grant::effectiveNanos));
        long granted = 0;
        for (int i = 0; i < byTime.size(); i++) {
            granted += byTime.get(i).permits();
            long e = byTime.get(i).effectiveNanos();
            if (i + 1 < byTime.size() && byTime.get(i + 1).effectiveNanos() == e) {
                continue; // count every grant of the same instant first
            }
            BigDecimal allowed = BigDecimal.valueOf(burst).add(integral(rates, t0, e));
            if (BigDecimal.valueOf(granted).compareTo(allowed) > 0) {
                throw new AssertionError(granted + " permits effective within " + (e - t0) + " ns, but rate x t + burst is "
                        + allowed + " (rates " + rates + ", burst " + burst + ")");
            }
        }
    }

    private static BigDecimal integral(List<RateFrom> rates, long t0, long end) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < rates.size(); i++) {
            long from = Math.max(t0, rates.get(i).fromNanos());
            long to = i + 1 < rates.size() ? Math.min(end, rates.get(i + 1).fromNanos()) : end;
            if (to > from) {
                sum = sum.add(new BigDecimal(rates.get(i).rate()).multiply(BigDecimal.valueOf(to - from))
                        .divide(NANOS_PER_SECOND));
            }
        }
        return sum;
    }

    @Provide
    Arbitrary<Long> warmups() {
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1_000_000L, 5_000_000_000L));
    }

    @Provide
    Arbitrary<List<Request>> schedules() {
        Arbitrary<Long> gaps = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
        Arbitrary<Integer> permits = Arbitraries.integers().between(1, 5);
        Arbitrary<Long> waits = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
        return Combinators.combine(gaps, permits, waits).as(Request::new).list();
    }

    @Property(tries = 100)
    void availablePermitsNeverExceedTheBurst(
            @ForAll @DoubleRange(min = 0.5, max = 50_000) double rate,
            @ForAll @IntRange(min = 1, max = 100) int burst,
            @ForAll @LongRange(min = 0, max = 10_000_000_000L) long idle) {
        ManualTimeSource clock = new ManualTimeSource();
        TokenBucket bucket = new TokenBucket(rate, burst, 0, clock);
        clock.advanceNanos(idle);
        if (bucket.availablePermits(clock.nanoTime()) > burst) {
            throw new AssertionError("more than the burst in the bucket");
        }
    }
}
