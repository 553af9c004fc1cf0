package io.dwcp.resilience.manager.internal;

/**
 * The invocations of one thread, reused call after call. A stack, because a call may make a nested
 * call on the same thread; beyond {@link #CAPACITY} levels of nesting, invocations are allocated and
 * left to the garbage collector. It also holds the thread's own state for each operation it calls
 * ({@link CallerState}).
 */
final class InvocationPool {

    static final int CAPACITY = 8;

    private final PooledInvocation[] free = new PooledInvocation[CAPACITY];
    private int size;
    /** The thread whose pool this is (made on that thread, by the manager's ThreadLocal). */
    final Thread owner = Thread.currentThread();
    /** This thread's slot in the manager's pools by thread id is another live thread's: use the ThreadLocal. */
    boolean slotTaken;
    /** The operation this thread called last (the caller's String, compared by identity) and its runtime. */
    String lastOperation = NO_OPERATION;
    OperationRuntime lastRuntime;
    /** No caller's String is this object: a null operation is looked up (and refused) like any other. */
    private static final String NO_OPERATION = new String("no operation yet");
    /** This thread's state per operation, at the operation's {@link OperationRuntime#index}. */
    private CallerState[] states = new CallerState[0];

    /** @return this thread's state for {@code op}: its latency histogram and observers (made on first use) */
    CallerState state(OperationRuntime op) {
        CallerState[] a = states;
        int i = op.index;
        if (i < a.length) {
            CallerState s = a[i];
            if (s != null && s.runtime == op) {
                return s;
            }
        }
        return newState(op);
    }

    private CallerState newState(OperationRuntime op) {
        if (op.index >= states.length) {
            states = java.util.Arrays.copyOf(states, Math.max(op.index + 1, 2 * states.length));
        }
        CallerState s = op.newCallerState();
        states[op.index] = s;
        return s;
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
