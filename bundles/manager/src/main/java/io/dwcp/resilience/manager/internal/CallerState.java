package io.dwcp.resilience.manager.internal;

import io.dwcp.resilience.api.CallObserver;
import io.dwcp.resilience.kit.latency.LatencyCounts;

/**
 * What one calling thread keeps for one operation (in its {@link InvocationPool}): its own latency
 * latency counts, which only it writes (plain stores, no atomic instruction: issue 15), and the
 * observers it calls, each the {@link CallObserver#forCaller} of the operation's shared observer,
 * bound again when the operation's observers change.
 */
final class CallerState {

    final OperationRuntime runtime;
    final LatencyCounts latency;
    /** The operation's observers these were bound from; compared by identity on every call. */
    private CallObserver[] source = OperationRuntime.NO_OBSERVERS;
    private CallObserver[] observers = OperationRuntime.NO_OBSERVERS;

    CallerState(OperationRuntime runtime, LatencyCounts latency) {
        this.runtime = runtime;
        this.latency = latency;
    }

    /**
     * @param current the operation's observers now (the volatile read of the call)
     * @return this thread's observers for them, bound on the first call after a change
     */
    CallObserver[] observers(CallObserver[] current, OperationRuntime.ObserverFailureHandler onFailure) {
        if (current != source) {
            bind(current, onFailure);
        }
        return observers;
    }

    private void bind(CallObserver[] current, OperationRuntime.ObserverFailureHandler onFailure) {
        CallObserver[] mine = current.length == 0 ? OperationRuntime.NO_OBSERVERS : new CallObserver[current.length];
        for (int i = 0; i < current.length; i++) {
            CallObserver shared = current[i];
            CallObserver own;
            try {
                own = shared.forCaller(runtime.name);
            } catch (RuntimeException | LinkageError e) {
                onFailure.observerFailed(shared, runtime.name, e);
                own = null;
            }
            mine[i] = own == null ? shared : own; // a failing or null forCaller: the shared observer serves
        }
        observers = mine;
        source = current;
    }
}
