package io.dwcp.resilience.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** First in every pipeline: counts the bytes read from and written to the socket. */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {

    private final TransportCounters counters;

    ByteCounter(TransportCounters counters) {
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            counters.bytesIn.add(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            counters.bytesOut.add(b.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
