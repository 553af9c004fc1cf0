package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.SyncHandler;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

/**
 * This node's end of a connection a peer opened: HELLO first, then the peer's DATA (queued and
 * acknowledged), SYNC requests (answered by the best {@link SyncHandler}) and PINGs.
 */
final class ServerHandler extends ConnectionHandler {

    private String peer;

    ServerHandler(NettyTransport transport) {
        super(transport);
    }

    /** @return the peer's node id once its HELLO was accepted, else null */
    String peerId() {
        return peer;
    }

    @Override
    String remote() {
        return "from " + (peer == null ? "(before HELLO)" : peer);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (peer == null) {
            if (frame.type() != FrameType.HELLO) {
                refuse(ctx, "bad-hello", "first frame is " + frame.type() + ", not HELLO");
            } else {
                hello(ctx, frame);
            }
            return;
        }
        if (transport.isPartitioned(peer)) {
            // A partition cuts both ways: drop what the peer sends and the connection with it.
            transport.counters.refused("partitioned");
            ctx.close();
            return;
        }
        switch (frame.type()) {
            case DATA -> data(ctx, frame);
            case SYNC_REQUEST -> sync(ctx, frame);
            case PING -> ctx.writeAndFlush(Frame.of(FrameType.PONG, frame.messageId()));
            case GOAWAY -> ctx.close();
            default -> refuse(ctx, "unexpected-frame", frame.type() + " on an inbound connection");
        }
    }

    private void hello(ChannelHandlerContext ctx, Frame frame) {
        Hello hello;
        try {
            hello = Hello.decode(frame.payload());
        } catch (FrameRefusedException e) {
            refuse(ctx, e.reason(), e.getMessage().substring(e.reason().length() + 2));
            return;
        }
        String me = transport.nodeId();
        if (!hello.to().equals(me)) {
            refuse(ctx, "bad-hello", "this is node " + me + ", not " + hello.to());
        } else if (hello.from().equals(me)) {
            refuse(ctx, "bad-hello", "the peer uses this node's own id " + me);
        } else if (!transport.settings().peers().containsKey(hello.from())) {
            refuse(ctx, "unknown-peer", hello.from() + " is not in this node's peers");
        } else if (transport.isPartitioned(hello.from())) {
            refuse(ctx, "partitioned", hello.from() + " is cut by a partition policy");
        } else if (TlsContexts.identityProblem(ctx, hello.from()) != null) {
            refuse(ctx, "tls-identity", TlsContexts.identityProblem(ctx, hello.from()));
        } else {
            peer = hello.from();
            greeted();
            transport.counters.accepted.increment();
            ctx.writeAndFlush(new Frame(FrameType.HELLO, 0, 0, new Hello(me, peer, hello.stream()).encode()));
        }
    }

    private void data(ChannelHandlerContext ctx, Frame frame) {
        byte[] payload;
        try {
            payload = transport.compression().payload(frame, transport.settings().frameMaxBytes());
        } catch (FrameRefusedException e) {
            refuse(ctx, e.reason(), e.getMessage());
            return;
        }
        switch (transport.inbound().offer(peer, frame.messageId(), payload)) {
            case QUEUED -> {
                transport.counters.messagesIn.increment();
                ctx.writeAndFlush(Frame.of(FrameType.ACK, frame.messageId()));
            }
            case DUPLICATE -> {
                // Delivered before; the sender missed our ACK. Acknowledge again, deliver nothing.
                transport.counters.duplicates.increment();
                ctx.writeAndFlush(Frame.of(FrameType.ACK, frame.messageId()));
            }
            case STALE -> transport.counters.refused("stale-id");
            case FULL -> transport.counters.backPressured.increment(); // no ACK: the sender sees back-pressure
        }
    }

    private void sync(ChannelHandlerContext ctx, Frame frame) {
        byte[] request;
        try {
            request = transport.compression().payload(frame, transport.settings().frameMaxBytes());
        } catch (FrameRefusedException e) {
            refuse(ctx, e.reason(), e.getMessage());
            return;
        }
        String sender = peer;
        try {
            transport.syncWorkers().execute(() -> {
                Frame answer;
                try {
                    byte[] bytes = transport.syncHandler().handle(sender, request);
                    TransportSettings s = transport.settings();
                    answer = transport.compression().frame(FrameType.SYNC_RESPONSE, frame.messageId(), bytes,
                            s.compressionEnabled(), s.compressionThresholdBytes());
                    if (answer.wireSize() > s.frameMaxBytes()) {
                        answer = error(frame.messageId(), "the answer (" + bytes.length + " bytes) exceeds frame.max.bytes");
                    }
                } catch (Exception | LinkageError e) {
                    answer = error(frame.messageId(), e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                ctx.writeAndFlush(answer);
            });
        } catch (RejectedExecutionException e) {
            ctx.writeAndFlush(error(frame.messageId(), "this node is too busy to answer sync requests"));
        }
    }

    private static Frame error(long id, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length > FrameCodec.MIN_FRAME - FrameCodec.OVERHEAD) {
            text = java.util.Arrays.copyOf(text, FrameCodec.MIN_FRAME - FrameCodec.OVERHEAD);
        }
        return new Frame(FrameType.SYNC_RESPONSE, FrameCodec.FLAG_ERROR, id, text);
    }
}
