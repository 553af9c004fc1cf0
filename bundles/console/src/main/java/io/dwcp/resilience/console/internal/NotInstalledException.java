package io.dwcp.resilience.console.internal;

/** What a command needs is not installed: answered with the message alone (the usage would not help). */
final class NotInstalledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotInstalledException(String message) {
        super(message);
    }
}
