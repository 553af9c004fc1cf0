package io.dwcp.resilience.console.internal;

/** A command was called wrongly: the console answers with the usage and this reason, never a stack trace. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String reason) {
        super(reason, null, false, false);
    }
}
