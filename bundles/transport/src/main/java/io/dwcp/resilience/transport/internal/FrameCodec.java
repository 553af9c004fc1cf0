package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.DWCPTransport;
import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32C;

/**
 * DWCP wire format, version 1 (docs/transport.md describes it byte by byte):
 *
 * <pre>
 * offset size field
 *  0     4    magic 0x44574350 ("DWCP")
 *  4     1    protocol version (1)
 *  5     1    type
 *  6     1    flags
 *  7     1    reserved, 0
 *  8     8    message id (big endian)
 * 16     4    payload length n (big endian)
 * 20     n    payload
 * 20+n   4    CRC32C of bytes 0 .. 20+n-1
 * </pre>
 *
 * The length is checked against the maximum frame size before any buffer is allocated, and every
 * header field is checked before the CRC, so a corrupt or hostile stream never makes the receiver
 * allocate more than one maximum-size frame.
 */
final class FrameCodec {

    static final int MAGIC = 0x44574350;
    static final int VERSION = DWCPTransport.PROTOCOL_VERSION;
    static final int HEADER = 20;
    static final int TRAILER = 4;
    static final int OVERHEAD = HEADER + TRAILER;
    /** The payload is LZ4-compressed (4-byte original length, then the LZ4 block). */
    static final int FLAG_COMPRESSED = 1;
    /** A SYNC_RESPONSE carrying the handler's error message instead of an answer. */
    static final int FLAG_ERROR = 2;
    static final int KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_ERROR;
    /** The smallest frame.max.bytes allowed: room for a HELLO and a reason. */
    static final int MIN_FRAME = 256;

    private FrameCodec() {
    }

    /** Writes the frame into {@code out}. */
    static void encode(Frame frame, ByteBuf out) {
        int start = out.writerIndex();
        int n = frame.payload().length;
        out.ensureWritable(OVERHEAD + n);
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(frame.type().code);
        out.writeByte(frame.flags());
        out.writeByte(0);
        out.writeLong(frame.messageId());
        out.writeInt(n);
        out.writeBytes(frame.payload());
        CRC32C crc = new CRC32C();
        crc.update(out.nioBuffer(start, HEADER + n));
        out.writeInt((int) crc.getValue());
    }

    /**
     * Decodes one frame from the readable bytes of {@code in}.
     *
     * @return the frame, with {@code in}'s reader index moved past it; {@code null} when the bytes do not
     *         hold a whole frame yet (reader index unchanged)
     * @throws FrameRefusedException when the bytes cannot be a valid frame; the connection must close
     */
    static Frame decode(ByteBuf in, int maxFrameBytes) throws FrameRefusedException {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        // Check what has arrived of the header as soon as it arrives: a wrong magic is refused at once.
        if (readable >= 4 && in.getInt(start) != MAGIC) {
            throw new FrameRefusedException("bad-magic", String.format("magic 0x%08x, expected 0x%08x", in.getInt(start), MAGIC));
        }
        if (readable >= 5 && in.getUnsignedByte(start + 4) != VERSION) {
            throw new FrameRefusedException("bad-version", "protocol version " + in.getUnsignedByte(start + 4)
                    + " not supported (this node speaks " + VERSION + ")");
        }
        if (readable >= 6 && FrameType.of(in.getUnsignedByte(start + 5)) == null) {
            throw new FrameRefusedException("bad-type", "unknown frame type " + in.getUnsignedByte(start + 5));
        }
        if (readable >= 7 && (in.getUnsignedByte(start + 6) & ~KNOWN_FLAGS) != 0) {
            throw new FrameRefusedException("bad-flags", "unknown flags 0x" + Integer.toHexString(in.getUnsignedByte(start + 6)));
        }
        if (readable >= 8 && in.getUnsignedByte(start + 7) != 0) {
            throw new FrameRefusedException("bad-header", "reserved byte is " + in.getUnsignedByte(start + 7) + ", not 0");
        }
        if (readable < HEADER) {
            return null;
        }
        long length = in.getUnsignedInt(start + 16);
        if (length > maxFrameBytes - OVERHEAD) {
            throw new FrameRefusedException("too-large", "payload length " + length + " exceeds frame.max.bytes "
                    + maxFrameBytes + " minus " + OVERHEAD + " header bytes");
        }
        int n = (int) length;
        if (readable < OVERHEAD + n) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(in.nioBuffer(start, HEADER + n));
        int expected = in.getInt(start + HEADER + n);
        if ((int) crc.getValue() != expected) {
            throw new FrameRefusedException("bad-crc", String.format("CRC32C 0x%08x, frame says 0x%08x", (int) crc.getValue(), expected));
        }
        FrameType type = FrameType.of(in.getUnsignedByte(start + 5));
        int flags = in.getUnsignedByte(start + 6);
        long id = in.getLong(start + 8);
        byte[] payload = n == 0 ? Frame.EMPTY : new byte[n];
        in.getBytes(start + HEADER, payload);
        in.readerIndex(start + OVERHEAD + n);
        return new Frame(type, flags, id, payload);
    }
}
