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

    /**
     * Runs a stage around the rest of the chain.
     *
     * <p>Why a subclass per built-in kind ({@link #of}): the JIT profiles a call site per method,
     * so with one {@code proceed} for every link, its {@code stage.execute} call sees every stage
     * class of the chain (megamorphic: an itable dispatch per stage and no inlining across the
     * chain; issue 15's profile put 15 % of a call's samples in that one method). Each kind's own
     * copy of {@code proceed} sees that kind's stage only, so the call is monomorphic and inlined.
     * The bodies are identical on purpose; stages of kinds of their own share {@link StageLink}.
     */
    static class StageLink extends Link {
        final Stage stage;
        final Link next;

        StageLink(Stage stage, Link next) {
            this.stage = stage;
            this.next = next;
        }

        /** @return the link for a stage of {@code kind} ({@code null}: a kind of its own) */
        static StageLink of(io.dwcp.resilience.api.StageKind kind, Stage stage, Link next) {
            if (kind == null) {
                return new StageLink(stage, next);
            }
            switch (kind) {
                case CHAOS:
                    return new ChaosLink(stage, next);
                case LOAD_SHED:
                    return new LoadShedLink(stage, next);
                case RATE_LIMIT:
                    return new RateLimitLink(stage, next);
                case BULKHEAD:
                    return new BulkheadLink(stage, next);
                case CIRCUIT_BREAKER:
                    return new BreakerLink(stage, next);
                case RETRY:
                    return new RetryLink(stage, next);
                case TIMEOUT:
                    return new TimeoutLink(stage, next);
                default:
                    return new StageLink(stage, next);
            }
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            // the stage around this link proceeded: an end the operation had before is not this proceed's
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class ChaosLink extends StageLink {
        ChaosLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class LoadShedLink extends StageLink {
        LoadShedLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class RateLimitLink extends StageLink {
        RateLimitLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class BulkheadLink extends StageLink {
        BulkheadLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class BreakerLink extends StageLink {
        BreakerLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class RetryLink extends StageLink {
        RetryLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
            pooled(inv).forgetOperationEnd();
            return stage.execute(inv, next);
        }
    }

    static final class TimeoutLink extends StageLink {
        TimeoutLink(Stage stage, Link next) {
            super(stage, next);
        }

        @Override
        public Object proceed(Invocation inv) throws Exception {
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
