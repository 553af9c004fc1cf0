package io.dwcp.resilience.transport.internal;

/** The frame types of DWCP wire protocol version 1 and their codes (byte 5 of a frame). */
enum FrameType {
    /** First frame each way on a connection: node ids and stream number. */
    HELLO(1),
    /** An application message; the receiver answers ACK once it is in its inbound queue. */
    DATA(2),
    /** Acknowledges the DATA frame with the same message id. Empty payload. */
    ACK(3),
    /** A sync request; answered by SYNC_RESPONSE with the same id. */
    SYNC_REQUEST(4),
    /** The answer to a sync request; flag {@link FrameCodec#FLAG_ERROR} when the handler failed. */
    SYNC_RESPONSE(5),
    /** Liveness and RTT probe; the id is the sender's nanoTime. */
    PING(6),
    /** Echoes a PING's id. */
    PONG(7),
    /** The sender closes the connection; the payload is the reason, UTF-8. */
    GOAWAY(8);

    private static final FrameType[] BY_CODE = new FrameType[9];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** @return the type with that code, or {@code null} */
    static FrameType of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
