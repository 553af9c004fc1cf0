package io.dwcp.resilience.transport.internal;

/**
 * A frame (or a connection's handshake) was refused. {@link #reason()} is a short counter key
 * ({@code bad-crc}, {@code too-large}…); the message says what was wrong in words.
 */
final class FrameRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    FrameRefusedException(String reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
