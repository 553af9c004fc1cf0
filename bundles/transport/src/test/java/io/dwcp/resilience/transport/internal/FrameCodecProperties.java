package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FrameCodecProperties {

    static final int MAX = 64 * 1024;

    @Provide
    Arbitrary<Frame> frames() {
        return Combinators.combine(Arbitraries.of(FrameType.class), Arbitraries.integers().between(0, FrameCodec.KNOWN_FLAGS),
                Arbitraries.longs(), Arbitraries.bytes().array(byte[].class).ofMaxSize(2048)).as(Frame::new);
    }

    static byte[] encode(Frame f) {
        ByteBuf b = Unpooled.buffer();
        FrameCodec.encode(f, b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Property
    void everyFrameRoundTrips(@ForAll("frames") Frame frame) throws Exception {
        byte[] wire = encode(frame);
        assertEquals(FrameCodec.OVERHEAD + frame.payload().length, wire.length);
        ByteBuf in = Unpooled.wrappedBuffer(wire);
        assertEquals(frame, FrameCodec.decode(in, MAX));
        assertEquals(0, in.readableBytes());
    }

    @Property
    void everySingleBitMutationIsRefused(@ForAll("frames") Frame frame, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick)
            throws Exception {
        byte[] wire = encode(frame);
        int bit = pick % (wire.length * 8);
        wire[bit / 8] ^= (byte) (1 << (bit % 8));
        ByteBuf in = Unpooled.buffer().writeBytes(wire);
        try {
            Frame decoded = FrameCodec.decode(in, MAX);
            // A longer length leaves the frame incomplete: the decoder waits, it never yields a frame...
            assertNull(decoded, "bit " + bit + " flipped and the frame was accepted");
            // ...and once the bytes it waits for arrive (whatever follows on the stream), it refuses it.
            long claimed = in.getUnsignedInt(16);
            in.writeZero((int) (FrameCodec.OVERHEAD + claimed - wire.length));
            FrameCodec.decode(in, MAX);
            fail("bit " + bit + " flipped and the completed frame was accepted");
        } catch (FrameRefusedException expected) {
            // refused: magic, version, type, flags, reserved byte, length or CRC
        }
    }

    @Property
    void aFrameSplitAnywhereDecodesOnceWhole(@ForAll("frames") Frame frame, @ForAll @IntRange(min = 0, max = 10_000) int cut)
            throws Exception {
        byte[] wire = encode(frame);
        int at = cut % wire.length;
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(wire, 0, at);
        assertNull(FrameCodec.decode(in, MAX));
        in.writeBytes(wire, at, wire.length - at);
        assertEquals(frame, FrameCodec.decode(in, MAX));
    }

    @Test
    void hugeLengthIsRefusedBeforeAnyAllocation() {
        ByteBuf in = Unpooled.buffer();
        in.writeInt(FrameCodec.MAGIC).writeByte(1).writeByte(FrameType.DATA.code).writeByte(0).writeByte(0).writeLong(1)
                .writeInt(Integer.MAX_VALUE);
        FrameRefusedException e = assertThrows(FrameRefusedException.class, () -> FrameCodec.decode(in, MAX));
        assertEquals("too-large", e.reason());
    }

    @Test
    void wrongMagicAndVersionAreNamed() {
        ByteBuf magic = Unpooled.wrappedBuffer(new byte[] {'H', 'T', 'T', 'P'});
        try {
            FrameCodec.decode(magic, MAX);
            fail();
        } catch (FrameRefusedException e) {
            assertEquals("bad-magic", e.reason());
        }
        byte[] wire = encode(Frame.of(FrameType.PING, 7));
        wire[4] = 2;
        try {
            FrameCodec.decode(Unpooled.wrappedBuffer(wire), MAX);
            fail();
        } catch (FrameRefusedException e) {
            assertEquals("bad-version", e.reason());
        }
    }
}
