package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.dwcp.resilience.testkit.Hammer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long MS = 1_000_000L;

    private final ManualTimeSource clock = new ManualTimeSource();

    @Test
    void aFullBucketGrantsItsBurstThenRefusesUntilTokensAccrue() {
        TokenBucket bucket = new TokenBucket(10, 5, 0, clock); // one permit per 100 ms
        for (int i = 0; i < 5; i++) {
            assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0), "permit " + i);
        }
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0));
        assertEquals(100 * MS, bucket.nanosUntilAvailable(1, clock.nanoTime()));

        clock.advanceNanos(99 * MS);
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0));
        clock.advanceNanos(1 * MS);
        assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0));
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0));
    }

    @Test
    void anIdleBucketFillsOnlyUpToItsBurst() {
        TokenBucket bucket = new TokenBucket(10, 3, 0, clock);
        clock.advance(Duration.ofHours(5));
        assertEquals(3.0, bucket.availablePermits(clock.nanoTime()), 1e-9);
        assertEquals(0, bucket.tryAcquire(3, clock.nanoTime(), 0));
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0));
    }

    @Test
    void multiPermitAcquireIsAllOrNothing() {
        TokenBucket bucket = new TokenBucket(10, 5, 0, clock);
        assertEquals(0, bucket.tryAcquire(3, clock.nanoTime(), 0));
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(3, clock.nanoTime(), 0), "only 2 left");
        assertEquals(2.0, bucket.availablePermits(clock.nanoTime()), 1e-9, "a refusal takes nothing");
        assertEquals(0, bucket.tryAcquire(2, clock.nanoTime(), 0));
    }

    @Test
    void waitersReserveInOrderAndAreToldHowLongToWait() {
        TokenBucket bucket = new TokenBucket(10, 1, 0, clock);
        assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0));
        assertEquals(100 * MS, bucket.tryAcquire(1, clock.nanoTime(), 500 * MS));
        assertEquals(200 * MS, bucket.tryAcquire(1, clock.nanoTime(), 500 * MS));
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 250 * MS),
                "the third waiter would need 300 ms");
        assertTrue(bucket.availablePermits(clock.nanoTime()) < 0, "reservations are a debt");
        clock.advanceNanos(300 * MS);
        assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0), "the debt is paid back by then");
    }

    @Test
    void aRefundGivesReservedPermitsBack() {
        TokenBucket bucket = new TokenBucket(10, 1, 0, clock);
        bucket.tryAcquire(1, clock.nanoTime(), 0);
        assertEquals(100 * MS, bucket.tryAcquire(1, clock.nanoTime(), 1_000 * MS));
        bucket.refund(1);
        assertEquals(100 * MS, bucket.tryAcquire(1, clock.nanoTime(), 1_000 * MS),
                "the abandoned reservation's slot is free again");
    }

    @Test
    void aRateChangeKeepsThePermitsInTheBucket() {
        TokenBucket bucket = new TokenBucket(10, 10, 0, clock);
        bucket.tryAcquire(6, clock.nanoTime(), 0);
        assertEquals(4.0, bucket.availablePermits(clock.nanoTime()), 1e-9);

        bucket.setLimits(1000, 10, clock.nanoTime());
        assertEquals(4.0, bucket.availablePermits(clock.nanoTime()), 1e-9, "faster: not refilled");
        assertEquals(1000.0, bucket.rate());

        bucket.setLimits(1, 10, clock.nanoTime());
        assertEquals(4.0, bucket.availablePermits(clock.nanoTime()), 1e-9, "slower: not drained");
        assertEquals(0, bucket.tryAcquire(4, clock.nanoTime(), 0));
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0));
        clock.advanceNanos(999 * MS);
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime(), 0), "now 1 permit per second");
        clock.advanceNanos(1 * MS);
        assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0));
    }

    @Test
    void aSmallerBurstCapsThePermitsKept() {
        TokenBucket bucket = new TokenBucket(10, 10, 0, clock);
        bucket.setLimits(10, 3, clock.nanoTime());
        assertEquals(3.0, bucket.availablePermits(clock.nanoTime()), 1e-9);
        assertEquals(3, bucket.burst());
    }

    @Test
    void aRateChangeKeepsTheReservationsOfWaiters() {
        TokenBucket bucket = new TokenBucket(10, 1, 0, clock);
        bucket.tryAcquire(1, clock.nanoTime(), 0);
        bucket.tryAcquire(1, clock.nanoTime(), 1_000 * MS); // one permit of debt
        bucket.setLimits(100, 1, clock.nanoTime());
        assertEquals(-1.0, bucket.availablePermits(clock.nanoTime()), 1e-9);
        assertEquals(20 * MS, bucket.tryAcquire(1, clock.nanoTime(), 1_000 * MS),
                "the debt of one permit now takes 10 ms, the next 10 ms more");
    }

    @Test
    void aColdBucketStartsAtAThirdOfTheRateAndWarmsUpUnderUse() {
        long warmup = 3_000 * MS;
        TokenBucket bucket = new TokenBucket(100, 1, warmup, clock); // 10 ms per permit when warm
        assertEquals(TokenBucket.COLD_FACTOR, bucket.coldMultiplier(), 1e-9);
        assertEquals(0, bucket.tryAcquire(1, clock.nanoTime(), 0), "even cold, a full bucket grants its permit");
        assertEquals(TokenBucket.REFUSED, bucket.tryAcquire(1, clock.nanoTime() + 29 * MS, 0),
                "but it cost three intervals: the next permit is 30 ms away");

        List<Long> gaps = new ArrayList<>();
        long last = clock.nanoTime();
        long end = clock.nanoTime() + 2 * warmup;
        while (clock.nanoTime() < end) {
            clock.advanceNanos(MS / 10);
            if (bucket.tryAcquire(1, clock.nanoTime(), 0) == 0) {
                gaps.add(clock.nanoTime() - last);
                last = clock.nanoTime();
            }
        }
        assertTrue(gaps.get(0) >= 29 * MS, "cold: about 30 ms per permit, was " + gaps.get(0));
        assertEquals(10 * MS, gaps.get(gaps.size() - 1), MS / 10, "warm: 10 ms per permit");
        assertEquals(1.0, bucket.coldMultiplier(), 1e-9);
        long firstWarm = 0;
        long t = 0;
        for (long gap : gaps) {
            t += gap;
            if (gap <= 10 * MS + MS / 10) {
                firstWarm = t;
                break;
            }
        }
        assertTrue(firstWarm >= warmup * 9 / 10 && firstWarm <= warmup * 11 / 10,
                "fully warm after about the warm-up period of full use, was " + firstWarm / MS + " ms");

        clock.advance(Duration.ofSeconds(60));
        bucket.tryAcquire(1, clock.nanoTime(), 0);
        assertTrue(bucket.coldMultiplier() > 2.9, "a long pause makes it cold again: " + bucket.coldMultiplier());
    }

    @Test
    void withoutWarmupTheMultiplierIsOne() {
        TokenBucket bucket = new TokenBucket(100, 1, 0, clock);
        assertEquals(1.0, bucket.coldMultiplier());
        bucket.setWarmup(1_000 * MS);
        assertEquals(1.0, bucket.coldMultiplier(), "a bucket in use that gains a warm-up is warm");
    }

    @Test
    void theIntervalRoundsUpSoTheBucketNeverExceedsItsRate() {
        TokenBucket bucket = new TokenBucket(3, 1, 0, clock);
        assertTrue(bucket.effectiveRate() <= 3.0);
        assertEquals(3.0, bucket.effectiveRate(), 1e-6);
    }

    @Test
    void concurrentCallersAtOneInstantGetExactlyTheBurst() throws Exception {
        TokenBucket bucket = new TokenBucket(1, 10_000, 0, clock);
        int threads = 4;
        AtomicLong granted = new AtomicLong();
        Hammer.together(threads, thread -> {
            for (int k = 0; k < 5_000; k++) {
                if (bucket.tryAcquire(1, clock.nanoTime(), 0) == 0) {
                    granted.incrementAndGet();
                }
            }
        });
        assertEquals(10_000, granted.get(), "20000 attempts on a bucket of 10000 with time standing still");
    }

    /**
     * Rates flip between 1/s and 2/s while three callers drain a bucket of 1000 with time standing
     * still: the burst and not one permit more. Repeated because the race it guards against (a
     * grant made against the old generation between its snapshot and its sealing, and the same
     * credit granted again by the new one before the charge landed) showed in about one run in five.
     */
    @RepeatedTest(20)
    void rateChangesRacingWithCallersNeverGrantMoreThanTheBurstAtOneInstant() throws Exception {
        TokenBucket bucket = new TokenBucket(1, 1_000, 0, clock);
        AtomicLong granted = new AtomicLong();
        Hammer.together(4, thread -> {
            if (thread == 3) { // the fourth thread changes the rate while three callers drain
                for (int k = 0; k < 2_000; k++) {
                    bucket.setLimits(k % 2 == 0 ? 2 : 1, 1_000, clock.nanoTime());
                }
                return;
            }
            for (int k = 0; k < 20_000; k++) {
                if (bucket.tryAcquire(1, clock.nanoTime(), 0) == 0) {
                    granted.incrementAndGet();
                }
            }
        });
        assertEquals(1_000, granted.get(), "time stands still: the burst and not one permit more");
    }
}
