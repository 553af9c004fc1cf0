package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free, allocation-free token bucket with optional warm-up.
 *
 * <p><b>State in one word.</b> The bucket is kept as the single instant {@code zero} at which it
 * would have been empty (the "theoretical arrival time" of GCRA): at time {@code t} it holds
 * {@code min(capacity, t - zero)} nanoseconds of credit, and a permit costs
 * {@code interval = ceil(1e9 / rate)} nanoseconds of credit. Granting {@code n} permits is one CAS
 * that moves {@code zero} forward by their cost, so a grant is one volatile read, a little
 * arithmetic and one CAS: no lock, no allocation.
 *
 * <p><b>Why the bound holds.</b> Every grant moves {@code zero} forward by at least
 * {@code n * interval}, and a grant is only made if {@code zero} plus that stable cost is not later
 * than the instant the caller may proceed. Starting from a full bucket ({@code zero = t0 - capacity}), the
 * permits usable by time {@code t} therefore cost at most {@code t - t0 + capacity}, which is
 * {@code rate * (t - t0) + burst} permits. The interval is rounded up to whole nanoseconds, so the
 * bucket errs on the strict side (by less than one part in a thousand at the highest rate the
 * configuration accepts).
 *
 * <p><b>Waiting.</b> A caller that may wait reserves credit that has not accrued yet: {@code zero}
 * moves past now and the call learns how long to wait before it may proceed. Later callers queue
 * behind that reservation in the order of their CAS, so waiting is first come, first served and
 * needs no queue.
 *
 * <p><b>Warm-up.</b> As Guava's warming-up limiter and Sentinel's warm-up controller, an idle
 * bucket is "cold": a permit then costs up to {@link #COLD_FACTOR} times the stable interval, and
 * the extra cost falls linearly as the bucket is used, so the rate ramps from
 * {@code rate / COLD_FACTOR} to {@code rate} over the warm-up period of full use. A grant needs
 * the stable cost in credit and moves {@code zero} by the full cost: as in Guava, the surcharge
 * is a debt the next permits wait for, so even a bucket of one permit warms up. Coldness is a
 * second word that grows with the credit spilled over a full bucket (idle time) and shrinks by the
 * stable cost of every grant. It only ever makes permits dearer, so races on it cannot break the
 * bound above.
 *
 * <p><b>Live changes.</b> {@link #setLimits} swaps in a new generation that starts with the
 * permits the old one held (capped at the new burst): a rate change does not refill or drain the
 * bucket. The old generation is sealed first, by one CAS from the very value the new one was
 * computed from, and names its successor: a caller that finds it sealed moves to the successor
 * (no spinning), and a grant the old generation made is always in the value the new one starts
 * from. (Publishing the new generation before sealing the old one, and charging the grants made
 * in between afterwards, let the same last permit be granted by both generations: one over the
 * burst, intermittently.)
 */
public final class TokenBucket {

    /** {@link #tryAcquire} answer when no permit can be had within the allowed wait. */
    public static final long REFUSED = -1L;

    /** How much dearer a permit is in a completely cold bucket (Guava's and Sentinel's value). */
    public static final double COLD_FACTOR = 3.0;

    /** Highest rate accepted, in permits per second (one permit per microsecond). */
    public static final double MAX_RATE = 1_000_000.0;

    /** Lowest rate accepted, in permits per second (one permit in about 17 minutes). */
    public static final double MIN_RATE = 0.001;

    /** Largest burst accepted, in permits. */
    public static final int MAX_BURST = 1_000_000;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** How long before its creation a new bucket already counts as full. */
    static final long PREDATING_NANOS = 60 * NANOS_PER_SECOND;

    /** {@code zero} of a generation that has been replaced. Relative values never come near it. */
    private static final long SEALED = Long.MIN_VALUE;

    private final TimeSource timeSource;
    /** Instants are kept relative to this one so that they stay far from {@link #SEALED}. */
    private final long epoch;
    /** Coldness in nanoseconds of stable cost, 0 (warm) to {@code warmupLevels} (cold). */
    private final AtomicLong coldness = new AtomicLong();

    private volatile Generation generation;
    /** The coldness at which a permit costs {@link #COLD_FACTOR} intervals; 0 without warm-up. */
    private volatile long warmupLevels;

    /**
     * A full bucket, cold if it has a warm-up period.
     *
     * @param rate          permits per second, {@link #MIN_RATE} to {@link #MAX_RATE}
     * @param burst         the capacity in permits, 1 to {@link #MAX_BURST}
     * @param warmupNanos   the warm-up period at full demand, 0 for none
     * @param timeSource    the clock for the methods that take no time argument
     */
    public TokenBucket(double rate, int burst, long warmupNanos, TimeSource timeSource) {
        this.timeSource = timeSource;
        this.epoch = timeSource.nanoTime();
        Generation first = new Generation(rate, burst);
        // Full already a while before it exists: the first call's clock reading (taken when the call
        // entered the chain) may predate the bucket, which is made on an operation's first call.
        first.zero = -first.capacityNanos - PREDATING_NANOS;
        this.generation = first;
        this.warmupLevels = warmupLevels(warmupNanos);
        coldness.set(warmupLevels);
    }

    /**
     * Takes {@code permits} now, or reserves them for the earliest instant they accrue if that is
     * at most {@code maxWaitNanos} away.
     *
     * @param permits      how many, at least 1
     * @param nowNanos     the current time of the bucket's clock
     * @param maxWaitNanos how long the caller may wait, 0 for not at all
     * @return {@code 0} when the caller may proceed now, a positive number of nanoseconds it must
     *         wait before it proceeds, or {@link #REFUSED}
     */
    public long tryAcquire(int permits, long nowNanos, long maxWaitNanos) {
        long t = nowNanos - epoch;
        Generation g = generation;
        for (;;) {
            long z = g.zero;
            if (z == SEALED) {
                g = g.successor; // replaced
                continue;
            }
            long full = t - g.capacityNanos;
            long spill = full - z;
            long base = spill > 0 ? full : z;
            long stable = permits * g.intervalNanos;
            long wait = base + stable - t;
            long next = base + cost(stable);
            if (wait > 0 && wait > maxWaitNanos) {
                return REFUSED;
            }
            if (Generation.ZERO.compareAndSet(g, z, next)) {
                if (warmupLevels != 0) {
                    cool(spill > 0 ? spill : 0, stable);
                }
                return wait > 0 ? wait : 0;
            }
        }
    }

    /**
     * Gives back permits that were granted but not used (a waiter that was interrupted).
     *
     * @param permits how many
     */
    public void refund(int permits) {
        Generation g = generation;
        for (;;) {
            long z = g.zero;
            if (z == SEALED) {
                g = g.successor;
            } else if (Generation.ZERO.compareAndSet(g, z, z - permits * g.intervalNanos)) {
                return;
            }
        }
    }

    /**
     * @param permits  how many
     * @param nowNanos the current time
     * @return nanoseconds until {@code permits} could be taken without waiting, 0 if now
     */
    public long nanosUntilAvailable(int permits, long nowNanos) {
        long t = nowNanos - epoch;
        Generation g = generation;
        for (;;) {
            long z = g.zero;
            if (z == SEALED) {
                g = g.successor;
                continue;
            }
            long base = Math.max(z, t - g.capacityNanos);
            long wait = base + permits * g.intervalNanos - t;
            return Math.max(0, wait);
        }
    }

    /**
     * @param nowNanos the current time
     * @return the permits in the bucket now (fractional; negative while waiters hold reservations)
     */
    public double availablePermits(long nowNanos) {
        long t = nowNanos - epoch;
        Generation g = generation;
        for (;;) {
            long z = g.zero;
            if (z == SEALED) {
                g = g.successor;
                continue;
            }
            long credit = Math.min(g.capacityNanos, t - z);
            return (double) credit / g.intervalNanos;
        }
    }

    /** @return {@link #availablePermits(long)} at the clock's current time */
    public double availablePermits() {
        return availablePermits(timeSource.nanoTime());
    }

    /**
     * Changes rate and burst, keeping the permits the bucket holds (capped at the new burst) and
     * any reservations of waiters. Not on the call path; changers are serialised.
     *
     * @param rate     permits per second
     * @param burst    capacity in permits
     * @param nowNanos the current time
     */
    public synchronized void setLimits(double rate, int burst, long nowNanos) {
        Generation old = generation;
        if (old.rate == rate && old.burst == burst) {
            return;
        }
        long t = nowNanos - epoch;
        Generation fresh = new Generation(rate, burst);
        for (;;) {
            long last = old.zero; // never SEALED: only this (serialised) method seals
            long credit = Math.min(old.capacityNanos, t - last);
            double permits = (double) credit / old.intervalNanos;
            // Rounded down: a conversion never adds credit (negative credit, reservations, stays owed).
            fresh.zero = t - (long) Math.floor(Math.min(fresh.capacityNanos, permits * fresh.intervalNanos));
            old.successor = fresh;
            // Sealed from exactly the value converted: a grant that lands first makes this CAS fail
            // and is converted with the rest on the next try.
            if (Generation.ZERO.compareAndSet(old, last, SEALED)) {
                break;
            }
        }
        generation = fresh;
    }

    /**
     * Changes the warm-up period. A bucket that gains a warm-up is taken as warm (it is in use);
     * one that loses it is warm at once.
     *
     * @param warmupNanos the new warm-up period, 0 for none
     */
    public synchronized void setWarmup(long warmupNanos) {
        long levels = warmupLevels(warmupNanos);
        warmupLevels = levels;
        long current;
        do {
            current = coldness.get();
        } while (!coldness.compareAndSet(current, Math.min(current, levels)));
    }

    /** @return the configured rate in permits per second */
    public double rate() {
        return generation.rate;
    }

    /** @return the rate the bucket actually enforces: one permit per whole-nanosecond interval */
    public double effectiveRate() {
        return (double) NANOS_PER_SECOND / generation.intervalNanos;
    }

    /** @return the capacity in permits */
    public int burst() {
        return generation.burst;
    }

    /** @return the cost of a permit now relative to a warm bucket: 1 (warm) to {@link #COLD_FACTOR} */
    public double coldMultiplier() {
        long levels = warmupLevels;
        return levels == 0 ? 1.0 : 1.0 + (COLD_FACTOR - 1.0) * coldness.get() / levels;
    }

    private long cost(long stable) {
        long levels = warmupLevels;
        if (levels == 0) {
            return stable;
        }
        double extra = stable * (COLD_FACTOR - 1.0) * ((double) coldness.get() / levels);
        return stable + (long) Math.ceil(extra);
    }

    private void cool(long spilled, long stable) {
        long levels = warmupLevels;
        for (;;) {
            long current = coldness.get();
            long next = current + Math.min(spilled, levels) - stable;
            next = next < 0 ? 0 : Math.min(next, levels);
            if (next == current || coldness.compareAndSet(current, next)) {
                return;
            }
        }
    }

    /**
     * The coldness range such that draining it at full demand takes {@code warmupNanos}: the cost
     * multiplier falls linearly from {@link #COLD_FACTOR} to 1 while the stable cost of the permits
     * taken sums to {@code levels}, which at full demand takes {@code levels * (1 + COLD_FACTOR) / 2}.
     */
    private static long warmupLevels(long warmupNanos) {
        return warmupNanos <= 0 ? 0 : Math.max(1, (long) (2.0 * warmupNanos / (1.0 + COLD_FACTOR)));
    }

    /** The immutable limits of one generation and its mutable state word. */
    static final class Generation {
        static final VarHandle ZERO;

        static {
            try {
                ZERO = MethodHandles.lookup().findVarHandle(Generation.class, "zero", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final double rate;
        final int burst;
        final long intervalNanos;
        final long capacityNanos;
        /** The instant (relative to the bucket's epoch) at which the bucket was empty. */
        volatile long zero;
        /**
         * The generation that replaced this one; written before {@link #zero} is sealed, so a
         * caller that reads {@link #SEALED} sees it.
         */
        volatile Generation successor;

        Generation(double rate, int burst) {
            this.rate = rate;
            this.burst = burst;
            this.intervalNanos = Math.max(1L, (long) Math.ceil(NANOS_PER_SECOND / rate));
            this.capacityNanos = burst * intervalNanos;
        }
    }
}
