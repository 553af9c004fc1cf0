package io.dwcp.resilience.kit;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which thread is the one writer of each {@link Stripes stripe} of a striped structure, so that the
 * owner can update its stripe with plain reads and release stores instead of an atomic
 * read-modify-write per call (issue 15: an uncontended CAS was two thirds of the retry stage's and a
 * third of the breaker's success path in JFR profiles).
 *
 * <p>The first thread to ask for a stripe claims it (one CAS, once). A thread whose stripe another
 * live thread owns (more threads than stripes) is told no and must use the structure's shared,
 * atomically updated part instead; one such call in 1024 checks whether the owner has ended and, if
 * so, takes the stripe over: the ended thread's writes are all visible then ({@link Thread#isAlive()}
 * returning false happens after them), so nothing it wrote is lost and two threads never write one
 * stripe at once.
 */
public final class StripeOwners {

    /** Longs between the counter and the array's ends: 128 bytes, a line of its own. */
    private static final int PAD = 16;
    /** Calls a non-owner makes between two checks of the owner. */
    private static final int CHECK_EVERY = 1024;

    private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(Stripes.COUNT);
    /** Non-owners' calls, racy (when to check an owner, not a count), on a line of its own. */
    private final AtomicLongArray sampled = new AtomicLongArray(2 * PAD + 1);

    /**
     * @param stripe a stripe, in {@code [0, Stripes.COUNT)}
     * @return whether the calling thread is now the one writer of {@code stripe}
     */
    public boolean isMine(int stripe) {
        Thread me = Thread.currentThread();
        Thread owner = owners.get(stripe);
        if (owner == me) {
            return true;
        }
        if (owner == null) {
            return owners.compareAndSet(stripe, null, me) || owners.get(stripe) == me;
        }
        long n = sampled.getPlain(PAD) + 1;
        sampled.setPlain(PAD, n);
        return n % CHECK_EVERY == 0 && !owner.isAlive() && owners.compareAndSet(stripe, owner, me);
    }
}
