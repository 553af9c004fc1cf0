package io.dwcp.resilience.injector.panic.internal;

/** The {@link Error} of a panic: something a layer must contain without catching it by accident. */
final class ChaosPanicError extends Error {

    private static final long serialVersionUID = 1L;

    ChaosPanicError(String message) {
        super(message);
    }
}
