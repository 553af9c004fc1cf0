package io.dwcp.resilience.itests.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay put between two nodes (the sender's peer entry points at it), so that a test
 * can cut one real TCP connection of a multi-stream peer with a reset, as a failing NAT or link would,
 * while the others stay up. It relays bytes only; the nodes' HELLO passes through untouched.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket[]> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();

    public CuttableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    client.close(); // target down: the client sees a closed connection, as it would directly
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Socket[] link = {client, upstream};
                links.add(link);
                accepted.incrementAndGet();
                pump(link, client, upstream);
                pump(link, upstream, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket[] link, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // cut or closed by a node
            } finally {
                close(link, false);
            }
        }, "proxy-pump-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private void close(Socket[] link, boolean reset) {
        links.remove(link);
        for (Socket s : link) {
            try {
                if (reset) {
                    s.setSoLinger(true, 0); // RST, not FIN: the connection dies as on a broken link
                }
                s.close();
            } catch (SocketException e) {
                // already closed
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** @return connections relayed now */
    public int open() {
        return links.size();
    }

    /** @return connections accepted so far */
    public int accepted() {
        return accepted.get();
    }

    /**
     * Cuts one relayed connection (the oldest) with a reset on both sides.
     *
     * @return whether there was one to cut
     */
    public boolean cutOne() {
        if (links.isEmpty()) {
            return false;
        }
        close(links.get(0), true);
        cut.incrementAndGet();
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(l -> close(l, false));
    }
}
