package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StageUnavailableException;
import io.dwcp.resilience.api.Invocation;

/**
 * One position in a built chain. Links are immutable and shared by every call on their chain, so a
 * call walks the chain without allocating; a retry proceeds through the same link again.
 */
abstract class Link implements Next<Object> {

    /** Runs a stage around the rest of the chain. */
    static final class StageLink extends Link {
        private final Stage stage;
        private final Link next;

        StageLink(Stage stage, Link next) {
            this.stage = stage;
            this.next = next;
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            // the stage around this link proceeded: an end the operation had before is not this proceed's
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    /**
     * The end of every chain: the caller's operation itself, wrapped in the invocation's
     * {@linkplain Invocation#interceptOperation operation interceptor} when one is set. The normal
     * path costs one extra field read, one clock read (the operation's end, see
     * {@link Invocation#operationEndNanos()}) and allocates nothing.
     */
    static final class OperationLink extends Link {
        static final OperationLink INSTANCE = new OperationLink();

        @Override
        public Object proceed(Invocation inv) throws Exception {
            PooledInvocation pooled = pooled(inv);
            pooled.forgetOperationEnd();
            Stage interceptor = pooled.operationInterceptor();
            try {
                if (interceptor == null) {
                    return pooled.call().call(inv);
                }
                return interceptor.execute(inv, CallOnly.INSTANCE);
            } finally {
                // the chain's second and last clock read on the success path: stages, the manager
                // and the observers take the call's end from here (Invocation.operationEndNanos)
                pooled.operationEndedAt(pooled.timeSource().nanoTime());
            }
        }
    }

    /**
     * What an operation interceptor proceeds to: the caller's {@link io.dwcp.resilience.api.Call}
     * alone (never the interceptor again). Immutable and shared.
     */
    static final class CallOnly extends Link {
        static final CallOnly INSTANCE = new CallOnly();

        @Override
        public Object proceed(Invocation inv) throws Exception {
            return pooled(inv).call().call(inv);
        }
    }

    static PooledInvocation pooled(Invocation inv) {
        if (!(inv instanceof PooledInvocation)) {
            throw new IllegalStateException("a stage passed a foreign Invocation (" + inv.getClass().getName()
                    + ") down the chain of '" + inv.operation()
                    + "': pass on the invocation received, or its detach()");
        }
        return (PooledInvocation) inv;
    }

    /**
     * Head of a chain that waits for a missing kind (make-before-break, start-up gate): parks the call
     * until the operation's chain changes or the hold expires, then runs it on the chain in force.
     */
    static final class HoldLink extends Link {
        private final ChainManager manager;
        private final OperationRuntime op;
        private final long untilNanos;
        private final String kinds;

        HoldLink(ChainManager manager, OperationRuntime op, long untilNanos, String kinds) {
            this.manager = manager;
            this.op = op;
            this.untilNanos = untilNanos;
            this.kinds = kinds;
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            Chain chain = manager.awaitChain(op, this, untilNanos, kinds);
            pooled(inv).restartAt(inv.timeSource().nanoTime());
            return chain.head().proceed(inv);
        }
    }

    /** Head of a chain that lacks a stage kind whose policy is reject. */
    static final class RejectLink extends Link {
        private final String operation;
        private final String missingKinds;

        RejectLink(String operation, String missingKinds) {
            this.operation = operation;
            this.missingKinds = missingKinds;
        }

        @Override
        public Object proceed(Invocation inv) {
            throw new StageUnavailableException(operation, missingKinds);
        }
    }
}
