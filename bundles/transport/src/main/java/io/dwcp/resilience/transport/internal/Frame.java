package io.dwcp.resilience.transport.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * One decoded frame. Immutable by convention: the payload array is never changed after construction,
 * so a frame can be written again on another stream (resend) as it is.
 *
 * @param type      the frame type
 * @param flags     flag bits ({@link FrameCodec#FLAG_COMPRESSED}, {@link FrameCodec#FLAG_ERROR})
 * @param messageId the 64-bit message id
 * @param payload   the payload as on the wire (compressed when the flag says so)
 */
record Frame(FrameType type, int flags, long messageId, byte[] payload) {

    static final byte[] EMPTY = new byte[0];

    Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if ((flags & ~FrameCodec.KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown flags " + flags);
        }
    }

    static Frame of(FrameType type, long messageId) {
        return new Frame(type, 0, messageId, EMPTY);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** @return the frame's size on the wire */
    int wireSize() {
        return FrameCodec.OVERHEAD + payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && f.flags == flags && f.messageId == messageId
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, flags, messageId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return type + "[flags=" + flags + ", id=" + messageId + ", " + payload.length + " bytes]";
    }
}
