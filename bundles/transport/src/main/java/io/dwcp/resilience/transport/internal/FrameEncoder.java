package io.dwcp.resilience.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Frame}s as bytes. Stateless: one instance serves every channel. */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToByteEncoder<Frame> {

    static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(msg.wireSize());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame msg, ByteBuf out) {
        FrameCodec.encode(msg, out);
    }
}
