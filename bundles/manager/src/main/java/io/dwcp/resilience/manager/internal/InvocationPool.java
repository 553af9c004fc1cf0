package io.dwcp.resilience.manager.internal;

/**
 * The invocations of one thread, reused call after call. A stack, because a call may make a nested
 * call on the same thread; beyond {@link #CAPACITY} levels of nesting, invocations are allocated and
 * left to the garbage collector.
 */
final class InvocationPool {

    static final int CAPACITY = 8;

    private final PooledInvocation[] free = new PooledInvocation[CAPACITY];
    private int size;
    private final int stripe;

    /** @param stripe this thread's number among the manager's calling threads, in turn */
    InvocationPool(int stripe) {
        this.stripe = stripe;
    }

    /** @return where this thread records into striped figures (the latency histogram) */
    int stripe() {
        return stripe;
    }

    PooledInvocation acquire() {
        return size == 0 ? new PooledInvocation() : free[--size];
    }

    void release(PooledInvocation inv) {
        inv.clear();
        if (size < CAPACITY) {
            free[size++] = inv;
        }
    }
}
