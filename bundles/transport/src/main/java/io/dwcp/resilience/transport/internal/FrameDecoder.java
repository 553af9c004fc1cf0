package io.dwcp.resilience.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.IntSupplier;

/** Turns bytes into {@link Frame}s; a refused frame is raised as {@link FrameRefusedException}. */
final class FrameDecoder extends ByteToMessageDecoder {

    private final IntSupplier maxFrameBytes;
    private boolean refused;

    FrameDecoder(IntSupplier maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Frame frame;
            while ((frame = FrameCodec.decode(in, maxFrameBytes.getAsInt())) != null) {
                out.add(frame);
            }
        } catch (FrameRefusedException e) {
            // Nothing after a bad frame can be trusted: drop the rest and let the handler close.
            refused = true;
            in.skipBytes(in.readableBytes());
            ctx.fireExceptionCaught(e);
        }
    }
}
