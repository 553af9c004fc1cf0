package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decoder's own refusals, on an embedded channel with a hand-moved clock. */
class FrameDecoderTest {

    static final long FRAME_TIMEOUT_MS = 1000;

    private final AtomicLong clock = new AtomicLong();
    private final List<Throwable> refused = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void channel() {
        channel = new EmbeddedChannel(new FrameDecoder(() -> 4096, () -> FRAME_TIMEOUT_MS, clock::get),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        refused.add(cause);
                    }
                });
    }

    private void advance(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private String refusal() {
        assertEquals(1, refused.size(), "one refusal: " + refused);
        return ((FrameRefusedException) refused.get(0)).reason();
    }

    private static byte[] frame(long id, int size) {
        return RawPeer.encode(new Frame(FrameType.DATA, 0, id, new byte[size]));
    }

    @Test
    void aFrameTricklingInForLongerThanTheTimeoutIsRefused() {
        byte[] f = frame(1, 100);
        for (int i = 0; i < 50; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(f, i, 1));
            advance(100); // a byte every 100 ms: never idle, but the frame takes 5 s
        }
        assertEquals("slow-frame", refusal());
        assertNull(channel.readInbound());
    }

    @Test
    void framesArrivingSteadilyInPiecesAreNotSlowEvenOverAlongTime() {
        // Each chunk ends part-way into the next frame; every frame completes within the timeout.
        byte[] stream = new byte[0];
        for (int i = 0; i < 20; i++) {
            byte[] f = frame(i, 300);
            byte[] next = Arrays.copyOf(stream, stream.length + f.length);
            System.arraycopy(f, 0, next, stream.length, f.length);
            stream = next;
        }
        for (int at = 0; at < stream.length; at += 250) {
            channel.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(250, stream.length - at)));
            advance(400);
        }
        assertTrue(refused.isEmpty(), refused.toString());
        int frames = 0;
        while (channel.readInbound() != null) {
            frames++;
        }
        assertEquals(20, frames);
    }

    @Test
    void theEndOfTheStreamInsideAFrameIsRefusedAsTruncated() {
        byte[] f = frame(1, 100);
        channel.writeInbound(Unpooled.wrappedBuffer(f, 0, f.length - 1));
        channel.finish();
        assertEquals("truncated", refusal());
    }

    @Test
    void theEndOfTheStreamBetweenFramesIsNoRefusal() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(1, 10)));
        channel.finish();
        assertTrue(refused.isEmpty(), refused.toString());
        assertEquals(1L, ((Frame) channel.readInbound()).messageId());
    }

    @Test
    void nothingAfterARefusedFrameIsDecoded() {
        byte[] bad = frame(1, 10);
        bad[bad.length - 1] ^= 1;
        channel.writeInbound(Unpooled.wrappedBuffer(bad));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(2, 10)));
        assertEquals("bad-crc", refusal());
        assertNull(channel.readInbound());
    }
}
