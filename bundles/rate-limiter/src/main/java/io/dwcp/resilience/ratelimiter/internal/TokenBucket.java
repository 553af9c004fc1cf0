package io.dwcp.resilience.ratelimiter.internal;

import io.dwcp.resilience.api.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import io.dwcp.resilience.kit.Stripes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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
 *
 * <p><b>Striped permits (issue 15).</b> One state word per bucket is one CAS target for every caller:
 * at two threads the word's cache line moved on every call. A bucket whose burst is large (at least
 * {@code 64 x stripes} permits), without warm-up, whose calls take at most {@code burst - 3 x stripes x
 * stripeCapacity} permits each, therefore lets each {@linkplain Stripes stripe} hold up to
 * {@code stripeCapacity} prepaid permits ({@code min(63, burst / (64 x stripes))}): a caller
 * takes its permits from its own stripe with a CAS on a line no other stripe writes; when the stripe
 * is short it buys {@code permits + stripeCapacity} from the shared word at once (one shared CAS per
 * {@code stripeCapacity + 1} calls) and keeps the rest. What this keeps of the contract:
 * <ul>
 * <li><b>Never more than the bound.</b> The shared word's capacity is {@code burst - stripes x
 * stripeCapacity} and a stripe never holds more than {@code stripeCapacity}, so the permits in the
 * word and in the stripes together never exceed {@code burst}, and only the word accrues: in any span
 * of length {@code T} at most {@code rate x T + burst} permits are used, as before.</li>
 * <li><b>Exact when refusing.</b> A caller that finds neither its stripe nor the word able to give
 * its permits first gives every stripe's held permits back to the word, then asks the word as an
 * unstriped bucket would (waiting included): a call is refused only when the word, holding
 * everything the stripes held when looked at, cannot grant it. (A permit a concurrent caller is
 * buying in that instant is not seen, as with any concurrent grant.)</li>
 * <li><b>What is lost.</b> A new bucket holds its whole burst (the stripes start full). A bucket
 * that was emptied and then idle long enough to be full again holds {@code burst - stripes x
 * stripeCapacity} in the word plus what the stripes still held: at least {@code burst x 63/64}
 * (the stripes fill again as callers buy). Permits the stripes give back never overflow the word
 * (a call takes at most {@code burst - 3 x stripes x stripeCapacity}). Waiting (FIFO reservations)
 * and warm-up use the word alone.</li>
 * <li><b>Live changes</b> convert the permits of the word and of the stripes together into the new
 * generation, the stripes filled first. A caller that bought from the old word just before keeps
 * what it bought (charged to the old word before the conversion, so nothing is made; but across a
 * change to a smaller burst the bucket may then hold up to that caller's old {@code stripeCapacity}
 * over the new burst, once). Should the new generation be one word, its first refusal gives such
 * permits back to the word.</li>
 * </ul>
 * A small bucket ({@code stripeCapacity} 0, e.g. the shipped adaptive limiter's 100 permits at
 * 1000/s) behaves exactly as the single word. Tests: {@code StripedTokenBucketProperties}.
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

    /** Longs between two stripes' cells: 128 bytes, no shared line nor adjacent-line prefetch pair. */
    private static final int SPACING = 16;

    /** The most permits a stripe holds. */
    static final int MAX_STRIPE_CAPACITY = 63;

    /** A stripe may hold permits only if the burst is at least this many times the stripes' total. */
    static final int STRIPE_SHARE = 64;

    private final TimeSource timeSource;
    /** Instants are kept relative to this one so that they stay far from {@link #SEALED}. */
    private final long epoch;
    /** Coldness in nanoseconds of stable cost, 0 (warm) to {@code warmupLevels} (cold). */
    private final AtomicLong coldness = new AtomicLong();

    private volatile Generation generation;
    /** The coldness at which a permit costs {@link #COLD_FACTOR} intervals; 0 without warm-up. */
    private volatile long warmupLevels;
    /** The most permits a call takes (decides whether the bucket is striped). */
    private volatile int maxPermitsPerCall;
    /** The permits each stripe holds, prepaid from the shared word; one cell every {@link #SPACING}. */
    private final AtomicLongArray held = new AtomicLongArray((Stripes.COUNT + 1) * SPACING);

    /**
     * A full bucket, cold if it has a warm-up period.
     *
     * @param rate          permits per second, {@link #MIN_RATE} to {@link #MAX_RATE}
     * @param burst         the capacity in permits, 1 to {@link #MAX_BURST}
     * @param warmupNanos   the warm-up period at full demand, 0 for none
     * @param timeSource    the clock for the methods that take no time argument
     */
    public TokenBucket(double rate, int burst, long warmupNanos, TimeSource timeSource) {
        this(rate, burst, warmupNanos, burst, timeSource);
    }

    /**
     * A full bucket, cold if it has a warm-up period, whose callers take at most
     * {@code maxPermitsPerCall} permits at a time (a bucket whose calls take nearly its whole burst
     * is not striped: see the class comment).
     *
     * @param rate              permits per second, {@link #MIN_RATE} to {@link #MAX_RATE}
     * @param burst             the capacity in permits, 1 to {@link #MAX_BURST}
     * @param warmupNanos       the warm-up period at full demand, 0 for none
     * @param maxPermitsPerCall the most permits one call takes
     * @param timeSource        the clock for the methods that take no time argument
     */
    public TokenBucket(double rate, int burst, long warmupNanos, int maxPermitsPerCall, TimeSource timeSource) {
        this.timeSource = timeSource;
        this.epoch = timeSource.nanoTime();
        this.maxPermitsPerCall = maxPermitsPerCall;
        Generation first = new Generation(rate, burst, stripeCapacity(burst, warmupNanos, maxPermitsPerCall));
        // Full already a while before it exists: the first call's clock reading (taken when the call
        // entered the chain) may predate the bucket, which is made on an operation's first call.
        first.zero = -first.capacityNanos - PREDATING_NANOS;
        this.generation = first;
        for (int i = 0; i < Stripes.COUNT; i++) {
            held.set(slot(i), first.stripeCapacity); // full: the word and every stripe
        }
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
        return tryAcquire(Stripes.ofCurrentThread(), permits, nowNanos, maxWaitNanos);
    }

    /**
     * {@link #tryAcquire(int, long, long)} as a thread of the given stripe (tests model several
     * threads with it).
     *
     * @param stripe the caller's stripe, in {@code [0, Stripes.COUNT)}
     */
    long tryAcquire(int stripe, int permits, long nowNanos, long maxWaitNanos) {
        Generation g = generation;
        int capacity = g.stripeCapacity;
        if (capacity > 0) {
            int slot = slot(stripe);
            for (long h = held.get(slot); h >= permits; h = held.get(slot)) {
                if (held.compareAndSet(slot, h, h - permits)) {
                    return 0;
                }
            }
            if (take(g, permits + (long) capacity, nowNanos - epoch, 0) == 0) {
                keep(slot, capacity, capacity);
                return 0;
            }
            giveBackHeld(); // exact from here on: the word holds every permit the stripes held
            return take(g, permits, nowNanos - epoch, maxWaitNanos);
        }
        long wait = take(g, permits, nowNanos - epoch, maxWaitNanos);
        if (wait == REFUSED && heldPermits() > 0) {
            // one word now, but a caller that bought across the change kept permits in its stripe
            giveBackHeld();
            wait = take(g, permits, nowNanos - epoch, maxWaitNanos);
        }
        return wait;
    }

    /** Adds {@code permits} to a stripe, at most up to {@code capacity}; the rest goes back to the word. */
    private void keep(int slot, long permits, int capacity) {
        for (;;) {
            long h = held.get(slot);
            long kept = Math.min(capacity, h + permits);
            if (held.compareAndSet(slot, h, kept)) {
                long over = h + permits - kept;
                if (over > 0) {
                    refund(over);
                }
                return;
            }
        }
    }

    /** Moves every permit the stripes hold back into the shared word. */
    private void giveBackHeld() {
        for (int i = 0; i < Stripes.COUNT; i++) {
            int slot = slot(i);
            if (held.get(slot) > 0) {
                long h = held.getAndSet(slot, 0);
                if (h > 0) {
                    refund(h);
                }
            }
        }
    }

    private static int slot(int stripe) {
        return (stripe + 1) * SPACING; // the first line is left empty: it neighbours the array header
    }

    /** The single-word acquire, on the relative time {@code t}, starting at generation {@code g}. */
    private long take(Generation g, long permits, long t, long maxWaitNanos) {
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
    public void refund(long permits) {
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
        for (int i = 0; i < Stripes.COUNT; i++) {
            if (held.get(slot(i)) >= permits) {
                return 0;
            }
        }
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
            return (double) credit / g.intervalNanos + heldPermits();
        }
    }

    /** @return the permits the stripes hold, prepaid from the shared word */
    long heldPermits() {
        long total = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            total += held.get(slot(i));
        }
        return total;
    }

    /** @return the most permits one stripe holds now (0: the bucket is one word) */
    public int stripeCapacity() {
        return generation.stripeCapacity;
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
        regenerate(rate, burst, warmupLevels, nowNanos);
    }

    /**
     * A new generation from the old one's permits, the word's and the stripes': the stripes are
     * filled first (up to their new capacity), the rest goes into the new word (up to its capacity).
     */
    private void regenerate(double rate, int burst, long levels, long nowNanos) {
        Generation old = generation;
        long t = nowNanos - epoch;
        Generation fresh = new Generation(rate, burst, stripeCapacity(burst, levels, maxPermitsPerCall));
        long drained = 0;
        for (int i = 0; i < Stripes.COUNT; i++) {
            drained += held.getAndSet(slot(i), 0);
        }
        long filled;
        for (;;) {
            long last = old.zero; // never SEALED: only this (serialised) method seals
            long credit = Math.min(old.capacityNanos, t - last);
            double permits = (double) credit / old.intervalNanos + drained;
            filled = Math.min((long) Stripes.COUNT * fresh.stripeCapacity, (long) Math.max(0, Math.floor(permits)));
            // Rounded down: a conversion never adds credit (negative credit, reservations, stays owed).
            fresh.zero = t - (long) Math.floor(Math.min(fresh.capacityNanos, (permits - filled) * fresh.intervalNanos));
            old.successor = fresh;
            // Sealed from exactly the value converted: a grant that lands first makes this CAS fail
            // and is converted with the rest on the next try.
            if (Generation.ZERO.compareAndSet(old, last, SEALED)) {
                break;
            }
        }
        generation = fresh;
        for (int i = 0; filled > 0; i++) {
            long share = Math.min(filled, fresh.stripeCapacity);
            keep(slot(i), share, fresh.stripeCapacity);
            filled -= share;
        }
    }

    /**
     * Changes the warm-up period. A bucket that gains a warm-up is taken as warm (it is in use);
     * one that loses it is warm at once.
     *
     * @param warmupNanos the new warm-up period, 0 for none
     */
    public synchronized void setWarmup(long warmupNanos) {
        long levels = warmupLevels(warmupNanos);
        Generation g = generation;
        if (stripeCapacity(g.burst, levels, maxPermitsPerCall) != g.stripeCapacity) {
            // a warming bucket prices every permit at its own moment: no prepaid permits
            regenerate(g.rate, g.burst, levels, timeSource.nanoTime());
        }
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
     * Changes the most permits one call takes (a configuration change), which may stripe the bucket
     * or make it one word again. Not on the call path.
     *
     * @param permits  the most permits a call takes
     * @param nowNanos the current time
     */
    public synchronized void setMaxPermitsPerCall(int permits, long nowNanos) {
        maxPermitsPerCall = permits;
        Generation g = generation;
        if (stripeCapacity(g.burst, warmupLevels, permits) != g.stripeCapacity) {
            regenerate(g.rate, g.burst, warmupLevels, nowNanos);
        }
    }

    /**
     * @param burst             the bucket's capacity
     * @param warmup            its warm-up (any positive number if it has one)
     * @param maxPermitsPerCall the most permits one call takes
     * @return the most permits a stripe may hold: 0 (one word) for a small or warming bucket, or one
     *         whose calls take more than {@code burst - 3 x stripes x capacity} permits (so that a
     *         call never needs more than the word can hold, and permits given back to the word never
     *         overflow it)
     */
    static int stripeCapacity(int burst, long warmup, int maxPermitsPerCall) {
        if (warmup > 0 || Stripes.COUNT < 2) {
            return 0;
        }
        int capacity = Math.min(MAX_STRIPE_CAPACITY, burst / (STRIPE_SHARE * Stripes.COUNT));
        return maxPermitsPerCall <= burst - 3L * Stripes.COUNT * capacity ? capacity : 0;
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
        /** The most permits a stripe holds; the word's capacity is short of the burst by all of them. */
        final int stripeCapacity;
        final long intervalNanos;
        final long capacityNanos;
        /** The instant (relative to the bucket's epoch) at which the bucket was empty. */
        volatile long zero;
        /**
         * The generation that replaced this one; written before {@link #zero} is sealed, so a
         * caller that reads {@link #SEALED} sees it.
         */
        volatile Generation successor;

        Generation(double rate, int burst, int stripeCapacity) {
            this.rate = rate;
            this.burst = burst;
            this.stripeCapacity = stripeCapacity;
            this.intervalNanos = Math.max(1L, (long) Math.ceil(NANOS_PER_SECOND / rate));
            this.capacityNanos = (burst - (long) Stripes.COUNT * stripeCapacity) * intervalNanos;
        }
    }
}
