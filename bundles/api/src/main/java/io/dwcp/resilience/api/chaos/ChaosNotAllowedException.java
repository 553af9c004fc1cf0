package io.dwcp.resilience.api.chaos;

/**
 * Chaos was asked to arm while its configuration does not allow it. The message says how to allow
 * it; nothing was armed.
 */
public class ChaosNotAllowedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message what was refused and how to allow it */
    public ChaosNotAllowedException(String message) {
        super(message);
    }
}
