package io.dwcp.resilience.transport.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * What both ends of a connection share: the HELLO deadline, idle close, and closing with a counted
 * reason (and a GOAWAY saying it, when the connection can still carry one).
 */
abstract class ConnectionHandler extends SimpleChannelInboundHandler<Frame> {

    final NettyTransport transport;
    private boolean greeted;
    private boolean closing;

    ConnectionHandler(NettyTransport transport) {
        this.transport = transport;
    }

    /** @return who is at the other end, for log lines */
    abstract String remote();

    void greeted() {
        greeted = true;
    }

    boolean isGreeted() {
        return greeted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = transport.settings().connectTimeoutMs();
        // A connection that never completes its HELLO (a stalled or foreign client) must not hold a socket.
        ctx.executor().schedule(() -> {
            if (!greeted && ctx.channel().isActive()) {
                refuse(ctx, "hello-timeout", "no HELLO within connect.timeout.ms=" + timeout);
            }
        }, timeout, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    /** Counts the reason, tells the other end (GOAWAY), closes. */
    void refuse(ChannelHandlerContext ctx, String reason, String message) {
        if (closing) {
            return;
        }
        closing = true;
        transport.counters.refused(reason);
        transport.log().warn("closing connection " + remote() + " " + ctx.channel().remoteAddress() + ": " + reason + ": " + message);
        byte[] text = (reason + ": " + message).getBytes(StandardCharsets.UTF_8);
        if (ctx.channel().isActive() && ctx.pipeline().get("encoder") != null) {
            ctx.writeAndFlush(new Frame(FrameType.GOAWAY, 0, 0, text)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            refuse(ctx, "idle", "nothing received for idle.timeout.ms=" + transport.settings().idleTimeoutMs());
        } else if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            tlsRefused(ctx, "TLS handshake failed: " + rootMessage(e.cause()));
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof FrameRefusedException r) {
            refuse(ctx, r.reason(), r.getMessage().substring(r.reason().length() + 2));
        } else if (c instanceof NotSslRecordException) {
            tlsRefused(ctx, "not a TLS record (a plaintext client on a TLS port?)");
        } else if (c instanceof SSLException) {
            tlsRefused(ctx, "TLS: " + rootMessage(c));
        } else if (c instanceof IOException) {
            ctx.close(); // reset by peer and the like: the close handling does the rest
        } else {
            transport.log().error("unexpected failure on connection " + remote() + ": " + c);
            ctx.close();
        }
    }

    /** Counts and closes a connection TLS refused (no GOAWAY: there is no trusted channel to carry it). */
    private void tlsRefused(ChannelHandlerContext ctx, String message) {
        if (!closing) {
            closing = true;
            transport.counters.refused("tls");
            transport.log().warn("connection " + remote() + " " + ctx.channel().remoteAddress() + " refused: " + message);
            tlsFailed(message);
        }
        ctx.close();
    }

    /** Told why TLS refused this connection; the connecting side shows it as the peer's last error. */
    void tlsFailed(String message) {
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
