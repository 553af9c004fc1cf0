package io.dwcp.resilience.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven TCP client for a transport's port: writes whatever bytes a test gives it and reads the
 * frames the transport answers with, until the transport closes the connection.
 */
final class RawPeer implements AutoCloseable {

    private final Socket socket;
    private final ByteBuf received = Unpooled.buffer();
    private final List<Frame> frames = new ArrayList<>();

    RawPeer(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setTcpNoDelay(true);
        // A failure detector, not a threshold: the transport closes far sooner in every case.
        socket.setSoTimeout(10_000);
    }

    static byte[] encode(Frame frame) {
        ByteBuf b = Unpooled.buffer();
        FrameCodec.encode(frame, b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    static Frame hello(String from, String to, int stream) {
        return new Frame(FrameType.HELLO, 0, 0, new Hello(from, to, stream).encode());
    }

    RawPeer write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    RawPeer write(Frame frame) throws IOException {
        return write(encode(frame));
    }

    /** Sends a HELLO and waits for the transport's; fails if it answers anything else. */
    RawPeer greet(String from, String to) throws IOException {
        write(hello(from, to, 7));
        Frame answer = next();
        if (answer == null || answer.type() != FrameType.HELLO) {
            throw new AssertionError("expected the transport's HELLO, got " + answer);
        }
        return this;
    }

    /** Ends this side's output: the transport sees the end of the stream. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** @return the next frame the transport sent, or null once it closed the connection */
    Frame next() throws IOException {
        byte[] chunk = new byte[4096];
        while (true) {
            try {
                Frame f = FrameCodec.decode(received, 64 << 20);
                if (f != null) {
                    frames.add(f);
                    return f;
                }
            } catch (FrameRefusedException e) {
                throw new AssertionError("the transport sent a malformed frame: " + e.getMessage());
            }
            int n;
            try {
                n = socket.getInputStream().read(chunk);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the transport neither answered nor closed the connection within 10 s");
            } catch (SocketException e) {
                return null; // reset: closed while our bytes were still unread
            }
            if (n < 0) {
                return null;
            }
            received.writeBytes(chunk, 0, n);
        }
    }

    /**
     * Reads until the transport closes the connection.
     *
     * @return the reason its GOAWAY gave ({@code bad-crc: …}), or "" when it closed without one
     */
    String awaitClose() throws IOException {
        Frame f;
        String reason = "";
        while ((f = next()) != null) {
            if (f.type() == FrameType.GOAWAY) {
                reason = ConnectionHandler.text(f.payload());
            }
        }
        return reason;
    }

    /** @return every frame received so far */
    List<Frame> frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
