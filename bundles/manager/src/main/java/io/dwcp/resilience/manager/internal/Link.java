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
            return stage.execute(inv, next);
        }
    }

    /** The end of every chain: the caller's operation itself. */
    static final class OperationLink extends Link {
        static final OperationLink INSTANCE = new OperationLink();

        @Override
        public Object proceed(Invocation inv) throws Exception {
            if (!(inv instanceof PooledInvocation)) {
                throw new IllegalStateException("a stage passed a foreign Invocation (" + inv.getClass().getName()
                        + ") down the chain of '" + inv.operation()
                        + "': pass on the invocation received, or its detach()");
            }
            return ((PooledInvocation) inv).call().call(inv);
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
