package io.dwcp.resilience.transport.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The HELLO payload: who is speaking, whom it believes it speaks to, and which of its streams this
 * connection is. Layout: from-id length (1 byte), from-id (UTF-8), to-id length (1 byte), to-id,
 * stream number (1 byte).
 *
 * @param from   the sending node's id
 * @param to     the node id the sender expects at the other end
 * @param stream the stream number, 0-based (0 in the answer)
 */
record Hello(String from, String to, int stream) {

    byte[] encode() {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + f.length + t.length).put((byte) f.length).put(f).put((byte) t.length).put(t)
                .put((byte) stream).array();
    }

    static Hello decode(byte[] payload) throws FrameRefusedException {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            String from = text(b);
            String to = text(b);
            int stream = b.get() & 0xff;
            if (b.hasRemaining()) {
                throw new FrameRefusedException("bad-hello", "trailing bytes in HELLO");
            }
            if (!TransportSettings.NODE_ID.matcher(from).matches() || !TransportSettings.NODE_ID.matcher(to).matches()) {
                throw new FrameRefusedException("bad-hello", "invalid node id in HELLO");
            }
            return new Hello(from, to, stream);
        } catch (RuntimeException e) {
            throw new FrameRefusedException("bad-hello", "malformed HELLO payload");
        }
    }

    private static String text(ByteBuffer b) {
        int n = b.get() & 0xff;
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
