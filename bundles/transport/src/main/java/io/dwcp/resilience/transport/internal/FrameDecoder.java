package io.dwcp.resilience.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Turns bytes into {@link Frame}s; a refused frame is raised as {@link FrameRefusedException}, and so are
 * two ways of never finishing one:
 * <ul>
 * <li>{@code truncated}: the connection ended part-way through a frame;</li>
 * <li>{@code slow-frame}: a frame's bytes kept trickling in for longer than the idle timeout after its
 * first byte. Silence alone is the idle handler's business; this catches a peer that keeps a connection
 * "busy" with a byte now and then and so holds a buffer of up to {@code frame.max.bytes} forever.</li>
 * </ul>
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final IntSupplier maxFrameBytes;
    private final LongSupplier frameTimeoutMs;
    private final LongSupplier nanoClock;
    private boolean refused;
    /** When the first byte of the frame still incomplete arrived; meaningful only while one is. */
    private long partialSince;
    private boolean partial;

    /**
     * @param maxFrameBytes  the largest frame accepted, read per frame (live reconfiguration)
     * @param frameTimeoutMs the longest a frame may take to arrive once begun
     * @param nanoClock      the clock ({@link System#nanoTime()}; a fake one in tests)
     */
    FrameDecoder(IntSupplier maxFrameBytes, LongSupplier frameTimeoutMs, LongSupplier nanoClock) {
        this.maxFrameBytes = maxFrameBytes;
        this.frameTimeoutMs = frameTimeoutMs;
        this.nanoClock = nanoClock;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Frame frame;
            boolean decoded = false;
            while ((frame = FrameCodec.decode(in, maxFrameBytes.getAsInt())) != null) {
                out.add(frame);
                decoded = true;
            }
            if (!in.isReadable()) {
                partial = false;
            } else if (decoded || !partial) {
                partial = true; // a new frame began with these bytes
                partialSince = nanoClock.getAsLong();
            } else {
                long limit = frameTimeoutMs.getAsLong();
                long elapsed = nanoClock.getAsLong() - partialSince;
                if (elapsed > TimeUnit.MILLISECONDS.toNanos(limit)) {
                    throw new FrameRefusedException("slow-frame", "a frame begun " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                            + " ms ago is still incomplete (" + in.readableBytes() + " bytes so far; idle.timeout.ms=" + limit + ")");
                }
            }
        } catch (FrameRefusedException e) {
            refuse(ctx, in, e);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!refused && in.isReadable()) {
            decode(ctx, in, out);
        }
        if (!refused && in.isReadable()) {
            refuse(ctx, in, new FrameRefusedException("truncated", "the connection ended " + in.readableBytes()
                    + " bytes into a frame"));
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, FrameRefusedException e) {
        // Nothing after a bad frame can be trusted: drop the rest and let the handler close.
        refused = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
    }
}
