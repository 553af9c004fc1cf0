package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.health.HealthListener;

/** Where the health runner reports what an operator should see: status changes and failing listeners. */
interface HealthEvents {

    /**
     * A check's (or the overall) status changed; called on the notification thread, in order.
     *
     * @param change the change
     */
    void statusChanged(StatusChange change);

    /**
     * A listener threw; the others were still told.
     *
     * @param listener the listener
     * @param change   what it was told
     * @param failure  what it threw
     */
    void listenerFailed(HealthListener listener, StatusChange change, Throwable failure);
}
