package io.dwcp.resilience.slo.internal;

/** A state record that this bundle cannot read: another payload version, or not a budget record at all. */
final class UndecodableStateException extends Exception {

    private static final long serialVersionUID = 1L;

    UndecodableStateException(String message) {
        super(message);
    }

    UndecodableStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
