package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import io.dwcp.resilience.kit.Stripes;
import io.dwcp.resilience.ratelimiter.internal.TokenBucketProperties.Grant;
import io.dwcp.resilience.ratelimiter.internal.TokenBucketProperties.RateFrom;
import io.dwcp.resilience.testkit.Hammer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The striped token bucket's contract (class comment of {@link TokenBucket}): random scripts of
 * callers on several stripes, time advances and live changes on a {@link ManualTimeSource}.
 * Never more than {@code rate x t + burst}; a refusal only when the word and the stripes together
 * hold less than the call's permits; no permit lost or made while time stands still.
 */
class StripedTokenBucketProperties {

    /** One step: after {@code gapNanos}, a caller of {@code stripe} asks for {@code permits}, waiting at most {@code maxWaitNanos}. */
    record Step(int stripe, long gapNanos, int permits, long maxWaitNanos) {
    }

    private static int burstFor(int share) {
        return TokenBucket.STRIPE_SHARE * Stripes.COUNT * share; // stripe capacity = share (capped at 63)
    }

    @Property(tries = 300)
    void neverMoreThanRateTimesTimePlusBurstAcrossStripesAndChanges(
            @ForAll @DoubleRange(min = 10, max = 1_000_000) double rate,
            @ForAll @IntRange(min = 1, max = 80) int share,
            @ForAll("steps") @Size(min = 1, max = 400) List<Step> script,
            @ForAll @Size(max = 4) List<@DoubleRange(min = 10, max = 1_000_000) Double> laterRates) {
        ManualTimeSource clock = new ManualTimeSource(5_000_000_000L, 0);
        long t0 = clock.nanoTime();
        int burst = burstFor(share);
        TokenBucket bucket = new TokenBucket(rate, burst, 0, 1, clock);
        assertTrue(bucket.stripeCapacity() > 0, "striped");
        List<RateFrom> rates = new ArrayList<>(List.of(new RateFrom(t0, rate)));
        List<Grant> grants = new ArrayList<>();
        int changeEvery = Math.max(1, script.size() / (laterRates.size() + 1));
        int changes = 0;
        for (int i = 0; i < script.size(); i++) {
            Step s = script.get(i);
            long interval = (long) Math.ceil(1e9 / bucket.rate());
            clock.advanceNanos(s.gapNanos() % (8 * interval));
            if (i > 0 && i % changeEvery == 0 && changes < laterRates.size()) {
                double next = laterRates.get(changes++);
                bucket.setLimits(next, burst, clock.nanoTime());
                rates.add(new RateFrom(clock.nanoTime(), next));
            }
            long wait = bucket.tryAcquire(Stripes.of(s.stripe()), s.permits(), clock.nanoTime(),
                    s.maxWaitNanos() % (3 * interval));
            if (wait != TokenBucket.REFUSED) {
                grants.add(new Grant(clock.nanoTime() + wait, s.permits()));
            }
        }
        TokenBucketProperties.assertBound(grants, t0, rates, burst);
    }

    @Property(tries = 300)
    void refusedOnlyWhenTheWordAndTheStripesTogetherHoldTooFew(
            @ForAll @DoubleRange(min = 10, max = 1_000_000) double rate,
            @ForAll @IntRange(min = 1, max = 80) int share,
            @ForAll("steps") @Size(min = 1, max = 400) List<Step> script) {
        ManualTimeSource clock = new ManualTimeSource();
        int burst = burstFor(share);
        TokenBucket bucket = new TokenBucket(rate, burst, 0, 5, clock);
        long interval = (long) Math.ceil(1e9 / rate);
        for (Step s : script) {
            clock.advanceNanos(s.gapNanos() % (8 * interval));
            long now = clock.nanoTime();
            double before = bucket.availablePermits(now);
            long wait = bucket.tryAcquire(Stripes.of(s.stripe()), s.permits(), now, 0);
            if (wait == TokenBucket.REFUSED && before >= s.permits()) {
                throw new AssertionError("refused " + s.permits() + " permit(s) while the bucket held " + before
                        + " (stripes " + bucket.heldPermits() + ")");
            }
        }
    }

    @Property(tries = 300)
    void noPermitLostOrMadeWhileTimeStandsStill(
            @ForAll @DoubleRange(min = 10, max = 1_000_000) double rate,
            @ForAll @IntRange(min = 1, max = 80) int share,
            @ForAll("steps") @Size(min = 1, max = 400) List<Step> script) {
        ManualTimeSource clock = new ManualTimeSource();
        int burst = burstFor(share);
        TokenBucket bucket = new TokenBucket(rate, burst, 0, 5, clock);
        long interval = (long) Math.ceil(1e9 / rate);
        for (Step s : script) {
            if (s.gapNanos() % 3 == 0) {
                clock.advanceNanos(s.gapNanos() % (8 * interval)); // a stretch of standing time ends
            }
            long now = clock.nanoTime();
            double before = bucket.availablePermits(now);
            long wait = bucket.tryAcquire(Stripes.of(s.stripe()), s.permits(), now, 0);
            double after = bucket.availablePermits(now);
            double taken = wait == TokenBucket.REFUSED ? 0 : s.permits();
            if (Math.abs(before - taken - after) > 1e-6) {
                throw new AssertionError("held " + before + ", granted " + taken + ", now holds " + after);
            }
            if (after > burst + 1e-9) {
                throw new AssertionError("holds " + after + ", more than the burst " + burst);
            }
        }
    }

    @Test
    void aNewStripedBucketHoldsItsWholeBurst() {
        ManualTimeSource clock = new ManualTimeSource();
        TokenBucket bucket = new TokenBucket(1_000_000, 1_000_000, 0, 1, clock);
        assertEquals(1_000_000.0, bucket.availablePermits(clock.nanoTime()), 1e-6);
        assertTrue(bucket.stripeCapacity() > 0);
    }

    @Test
    void aBucketWhoseCallsTakeNearlyItsBurstOrThatWarmsUpIsOneWord() {
        ManualTimeSource clock = new ManualTimeSource();
        int burst = burstFor(10);
        assertEquals(0, new TokenBucket(1000, burst, 0, burst, clock).stripeCapacity());
        assertEquals(0, new TokenBucket(1000, burst, 1_000_000_000L, 1, clock).stripeCapacity());
        assertEquals(0, new TokenBucket(1000, burstFor(1) - 1, 0, 1, clock).stripeCapacity());
        TokenBucket bucket = new TokenBucket(1000, burst, 0, 1, clock);
        assertEquals(10, bucket.stripeCapacity());
        bucket.setWarmup(1_000_000_000L);
        assertEquals(0, bucket.stripeCapacity(), "warming up: one word");
        assertEquals(burst, bucket.availablePermits(clock.nanoTime()), 1e-6, "the stripes' permits went to the word");
    }

    /** Threads on their own stripes at one instant: exactly the burst, not one more, none lost. */
    @Test
    void concurrentCallersAtOneInstantGetExactlyTheBurst() throws Exception {
        for (int round = 0; round < 20; round++) {
            ManualTimeSource clock = new ManualTimeSource();
            int burst = 10_000;
            TokenBucket bucket = new TokenBucket(1_000, burst, 0, 1, clock);
            assertTrue(bucket.stripeCapacity() > 0);
            AtomicLong granted = new AtomicLong();
            long now = clock.nanoTime();
            Hammer.together(4, thread -> {
                for (int i = 0; i < burst; i++) {
                    if (bucket.tryAcquire(1, now, 0) == 0) {
                        granted.incrementAndGet();
                    }
                }
            });
            assertEquals(burst, granted.get(), "time stands still: the burst and not one permit more");
            assertEquals(0.0, bucket.availablePermits(now), 1e-9);
        }
    }

    /** The same with live changes racing: never more than the largest burst, nothing made. */
    @Test
    void changesRacingWithCallersNeverGrantMoreThanTheBurstAtOneInstant() throws Exception {
        for (int round = 0; round < 20; round++) {
            ManualTimeSource clock = new ManualTimeSource();
            int burst = 20_000;
            TokenBucket bucket = new TokenBucket(1_000, burst, 0, 1, clock);
            AtomicLong granted = new AtomicLong();
            long now = clock.nanoTime();
            Hammer.together(3, thread -> {
                if (thread == 2) {
                    for (int i = 0; i < 200; i++) {
                        bucket.setLimits(i % 2 == 0 ? 5_000 : 1_000, burst, now);
                        bucket.setMaxPermitsPerCall(i % 3 == 0 ? burst : 1, now); // one word / striped
                    }
                    return;
                }
                for (int i = 0; i < burst; i++) {
                    if (bucket.tryAcquire(1, now, 0) == 0) {
                        granted.incrementAndGet();
                    }
                }
            });
            assertTrue(granted.get() <= burst, "granted " + granted.get() + " of a burst of " + burst);
            assertTrue(granted.get() + bucket.availablePermits(now) <= burst + 1e-6,
                    "granted " + granted.get() + " and " + bucket.availablePermits(now) + " left");
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> stripes = Arbitraries.integers().between(0, 63);
        Arbitrary<Long> gaps = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
        Arbitrary<Integer> permits = Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(1, 5));
        Arbitrary<Long> waits = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
        return Combinators.combine(stripes, gaps, permits, waits).as(Step::new).list();
    }
}
