package io.dwcp.resilience.api.transport;

import io.dwcp.resilience.api.ResilienceException;

/**
 * No {@link io.dwcp.resilience.api.ResilienceManager} was bound within the call's deadline (the manager
 * bundle is stopped, updating or not installed), so the call did not run. A rejection: nothing was sent.
 */
public class ManagerUnavailableException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param operation   the operation
     * @param waitedNanos how long the call waited for a manager
     */
    public ManagerUnavailableException(String operation, long waitedNanos) {
        super(operation, "no ResilienceManager is available (waited " + waitedNanos / 1_000_000
                + " ms); the call was not run", null, false);
    }

    @Override
    public boolean isRejection() {
        return true;
    }
}
