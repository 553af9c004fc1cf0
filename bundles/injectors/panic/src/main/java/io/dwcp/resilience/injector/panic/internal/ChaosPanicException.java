package io.dwcp.resilience.injector.panic.internal;

/** The unchecked exception of a panic: a bug, as a call would meet it. */
final class ChaosPanicException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ChaosPanicException(String message) {
        super(message);
    }
}
