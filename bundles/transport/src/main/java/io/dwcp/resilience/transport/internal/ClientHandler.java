package io.dwcp.resilience.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.TimeUnit;

/** This node's end of an outbound stream to a peer: HELLO, then ACKs, sync answers and PONGs come back. */
final class ClientHandler extends ConnectionHandler {

    private final PeerLink link;
    private final PeerLink.Stream stream;

    ClientHandler(NettyTransport transport, PeerLink link, PeerLink.Stream stream) {
        super(transport);
        this.link = link;
        this.stream = stream;
    }

    @Override
    String remote() {
        return "to " + link.id() + " (stream " + stream.index + ")";
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable()) {
            link.backlogged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    void tlsFailed(String message) {
        link.refusedBy(message);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        // With TLS the handler holds this until the handshake is done.
        ctx.writeAndFlush(new Frame(FrameType.HELLO, 0, 0, new Hello(transport.nodeId(), link.id(), stream.index).encode()));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (transport.isPartitioned(link.id())) {
            transport.counters.refused("partitioned");
            link.partitioned();
            return;
        }
        switch (frame.type()) {
            case HELLO -> hello(ctx, frame);
            case ACK -> link.acked(frame.messageId());
            case SYNC_RESPONSE -> link.syncAnswered(frame);
            case PONG -> link.pong(frame.messageId());
            case GOAWAY -> {
                String reason = text(frame.payload());
                link.refusedBy(link.id() + " closed the connection: " + reason);
                transport.log().warn("peer " + link.id() + " closed stream " + stream.index + ": " + reason);
                ctx.close();
            }
            default -> refuse(ctx, "unexpected-frame", frame.type() + " on an outbound connection");
        }
    }

    private void hello(ChannelHandlerContext ctx, Frame frame) {
        if (isGreeted()) {
            refuse(ctx, "unexpected-frame", "a second HELLO");
            return;
        }
        Hello hello;
        try {
            hello = Hello.decode(frame.payload());
        } catch (FrameRefusedException e) {
            refuse(ctx, e.reason(), e.getMessage());
            return;
        }
        if (!hello.from().equals(link.id()) || !hello.to().equals(transport.nodeId())) {
            link.refusedBy("node-id mismatch: " + link.address.address() + " answered as " + hello.from() + " (expected "
                    + link.id() + ") to " + hello.to());
            refuse(ctx, "bad-hello", "expected node " + link.id() + " answering " + transport.nodeId() + ", got " + hello.from()
                    + " answering " + hello.to());
            return;
        }
        String identity = TlsContexts.identityProblem(ctx, link.id());
        if (identity != null) {
            link.refusedBy("TLS: " + link.address.address() + " answered as " + link.id() + ", but " + identity);
            refuse(ctx, "tls-identity", identity);
            return;
        }
        greeted();
        stream.up(ctx.channel());
        schedulePing(ctx);
    }

    private void schedulePing(ChannelHandlerContext ctx) {
        long interval = transport.settings().pingIntervalMs();
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                if (!transport.isPartitioned(link.id())) {
                    ctx.writeAndFlush(Frame.of(FrameType.PING, System.nanoTime()));
                }
                schedulePing(ctx);
            }
        }, interval, TimeUnit.MILLISECONDS);
    }
}
