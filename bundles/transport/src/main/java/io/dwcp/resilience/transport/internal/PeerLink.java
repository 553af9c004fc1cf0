package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.TransportException;
import io.dwcp.resilience.api.transport.TransportException.Kind;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything this node keeps about one peer: its outbound streams (TCP connections this node opened,
 * which carry this node's DATA, SYNC requests and PINGs to it), the messages waiting for its ACK, and
 * its RTT and tier. Messages are striped round-robin over the streams that are up; when a stream drops,
 * its unacknowledged messages are written again, with the same ids, on the others.
 */
final class PeerLink {

    /** A sync request waiting for its answer. */
    record SyncWait(CompletableFuture<Frame> answer, int stream) {
    }

    final PeerAddress address;
    private final NettyTransport transport;
    private final Stream[] streams;
    final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Long, SyncWait> syncs = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Long, CompletableFuture<Long>> pings = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    final LongAdder reconnects = new LongAdder();
    private volatile long srttNanos = -1;
    private volatile NetworkTier rttTier = NetworkTier.UNKNOWN;
    // Throughput: bytes acknowledged since the last sample, whether a stream was backlogged meanwhile,
    // the estimate and its tier. Sampled by the transport's sweeper, one thread.
    private final LongAdder carriedBytes = new LongAdder();
    private volatile boolean backlogged;
    private final ThroughputEstimate throughput = new ThroughputEstimate();
    private volatile double sendBytesPerSecond;
    private volatile NetworkTier throughputTier = NetworkTier.UNKNOWN;
    private long lastSampleNanos = System.nanoTime();
    private volatile String lastError = "";
    private volatile boolean refused;
    private volatile boolean everConnected;
    private volatile boolean closed;

    PeerLink(NettyTransport transport, PeerAddress address, int streamCount) {
        this.transport = transport;
        this.address = address;
        this.streams = new Stream[streamCount];
        for (int i = 0; i < streamCount; i++) {
            streams[i] = new Stream(i);
        }
    }

    String id() {
        return address.nodeId();
    }

    int streamCount() {
        return streams.length;
    }

    void start() {
        for (Stream s : streams) {
            s.connect();
        }
    }

    /** Closes every stream and fails whatever waits on this peer. */
    void close(String why) {
        closed = true;
        for (Stream s : streams) {
            s.close();
        }
        TransportException shutDown = new TransportException("send", id(), Kind.SHUT_DOWN, why, null);
        pending.forEach((id, p) -> {
            if (pending.remove(id, p)) {
                p.acked.completeExceptionally(shutDown);
            }
        });
        syncs.forEach((id, w) -> {
            if (syncs.remove(id, w)) {
                w.answer().completeExceptionally(shutDown);
            }
        });
    }

    // ---- sending

    /** Writes the message on the next stream that is up, or leaves it for the first one to come up. */
    void dispatch(Pending p) {
        Channel ch = null;
        int index = Pending.UNASSIGNED;
        int start = roundRobin.getAndIncrement();
        for (int k = 0; k < streams.length; k++) {
            int i = Math.floorMod(start + k, streams.length);
            Channel c = streams[i].ready;
            if (c != null) {
                ch = c;
                index = i;
                break;
            }
        }
        p.stream = index;
        if (ch == null) {
            return;
        }
        p.written = true;
        final int used = index;
        ch.writeAndFlush(p.frame).addListener(f -> {
            if (f.isSuccess()) {
                // What the link carried: bytes written, not bytes acknowledged (an ACK waits for the
                // receiving application, which would make a slow application look like a slow link)
                carriedBytes.add(p.frame.wireSize());
            } else if (p.stream == used && pending.get(p.frame.messageId()) == p) {
                // The stream died under the write: the stream-down handler may have looked already.
                streams[used].lost((Channel) ((ChannelFuture) f).channel());
            }
        });
    }

    /** @return the channel of a stream that is up, or null */
    Channel anyReadyChannel() {
        int start = roundRobin.getAndIncrement();
        for (int k = 0; k < streams.length; k++) {
            Channel c = streams[Math.floorMod(start + k, streams.length)].ready;
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** @return the stream index of a ready channel */
    int streamOf(Channel ch) {
        for (Stream s : streams) {
            if (s.ready == ch) {
                return s.index;
            }
        }
        return Pending.UNASSIGNED;
    }

    void acked(long id) {
        Pending p = pending.remove(id);
        if (p != null) {
            transport.counters.messagesOut.increment();
            p.acked.complete(null);
        }
    }

    /** The peer refused the message for good (an ACK flagged as an error): its sender sees why. */
    void refused(long id, String reason) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.acked.completeExceptionally(new TransportException("send", id(), Kind.REMOTE_FAILURE,
                    "the peer refused message " + id + ": " + reason, null));
        }
    }

    void syncAnswered(Frame frame) {
        SyncWait w = syncs.remove(frame.messageId());
        if (w != null) {
            w.answer().complete(frame);
        }
    }

    void pong(long sentNanos) {
        long rtt = System.nanoTime() - sentNanos;
        if (rtt < 0) {
            return;
        }
        long prev = srttNanos;
        // RFC 6298 smoothing: one sample moves the estimate by an eighth
        long next = prev < 0 ? rtt : prev + (rtt - prev) / 8;
        srttNanos = next;
        TransportSettings s = transport.settings();
        rttTier = TierClassifier.next(rttTier, next / 1e6, s.datacenterRttMs(), s.internetRttMs(), s.hysteresis());
        CompletableFuture<Long> waiter = pings.remove(sentNanos);
        if (waiter != null) {
            waiter.complete(rtt);
        }
    }

    /** Fails messages past their deadline that nobody waits for any more (consensus leftovers). */
    void sweep(long now) {
        pending.forEach((id, p) -> {
            if (now - p.deadlineNanos >= 0 && pending.remove(id, p)) {
                p.acked.completeExceptionally(p.timedOut("send", id(), lastError));
            }
        });
    }

    /** Fails everything waiting on this peer at once: a partition cut it. */
    void partitioned() {
        TransportException cut = new TransportException("send", id(), Kind.PARTITIONED, "a partition policy cuts this peer", null);
        pending.forEach((id, p) -> {
            if (pending.remove(id, p)) {
                p.acked.completeExceptionally(cut);
            }
        });
        syncs.forEach((id, w) -> {
            if (syncs.remove(id, w)) {
                w.answer().completeExceptionally(cut);
            }
        });
        for (Stream s : streams) {
            Channel c = s.channel;
            if (c != null) {
                c.close();
            }
        }
    }

    void refusedBy(String reason) {
        refused = true;
        lastError = reason;
    }

    void error(String reason) {
        lastError = reason;
    }

    /** @return the farther of the RTT's and the measured throughput's tier (docs/transport.md, "Network tiers") */
    NetworkTier tier() {
        return TierClassifier.combine(rttTier, throughputTier);
    }

    /** A stream's outbound buffer went over the high-water mark: this interval the network sets the pace. */
    void backlogged() {
        backlogged = true;
    }

    /** Ends a throughput sampling interval: the bytes written in it, and whether it was network-limited. */
    void sampleThroughput(long now) {
        long bytes = carriedBytes.sumThenReset();
        boolean limited = backlogged;
        backlogged = false;
        for (Stream s : streams) {
            Channel c = s.ready;
            if (c != null && !c.isWritable()) {
                limited = true; // still backlogged as the interval ends
            }
        }
        throughput.sample(bytes, now - lastSampleNanos, limited);
        sendBytesPerSecond = now > lastSampleNanos ? bytes * 1e9 / (now - lastSampleNanos) : 0;
        lastSampleNanos = now;
        TransportSettings s = transport.settings();
        throughputTier = TierClassifier.byThroughput(throughputTier, throughput.mbps(), s.datacenterThroughputMbps(),
                s.internetThroughputMbps(), s.hysteresis());
    }

    /** @return the measured throughput in Mbit/s, -1 while the link has not been seen saturated */
    double throughputMbps() {
        return throughput.mbps();
    }

    /** @return the smoothed RTT in nanoseconds, -1 before the first PONG */
    long rttNanos() {
        return srttNanos;
    }

    PeerStatus status() {
        int up = 0;
        for (Stream s : streams) {
            if (s.ready != null) {
                up++;
            }
        }
        ConnectionState state;
        if (transport.isPartitioned(id())) {
            state = ConnectionState.PARTITIONED;
        } else if (up == streams.length) {
            state = ConnectionState.CONNECTED;
        } else if (up > 0) {
            state = ConnectionState.DEGRADED;
        } else if (refused) {
            state = ConnectionState.REFUSED;
        } else {
            state = everConnected ? ConnectionState.DISCONNECTED : ConnectionState.CONNECTING;
        }
        return new PeerStatus(id(), address.address(), state, up, streams.length, srttNanos, tier(), pending.size(),
                reconnects.sum(), lastError, sendBytesPerSecond, throughput.mbps());
    }

    /** Closes one stream's connection (tests and operators: "cut one connection of a multi-stream peer"). */
    boolean cutStream(int index) {
        if (index < 0 || index >= streams.length) {
            return false;
        }
        Channel c = streams[index].channel;
        if (c == null) {
            return false;
        }
        c.close();
        return true;
    }

    // ---- one outbound TCP connection

    final class Stream {

        final int index;
        /** The connection, from connect until closed. */
        volatile Channel channel;
        /** The connection once the HELLO exchange succeeded; null when not usable. */
        volatile Channel ready;
        private int failures;
        private boolean wasUp;
        private ScheduledFuture<?> retry;

        Stream(int index) {
            this.index = index;
        }

        synchronized void connect() {
            if (closed || transport.isClosed()) {
                return;
            }
            retry = null;
            if (transport.isPartitioned(id())) {
                transport.counters.refused("partitioned");
                lastError = "partitioned by a chaos partition policy";
                scheduleReconnect();
                return;
            }
            TransportSettings s = transport.settings();
            Bootstrap b = new Bootstrap().group(transport.group()).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, s.connectTimeoutMs()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("bytes", transport.byteCounter());
                            TlsContexts tls = transport.tls();
                            if (tls != null) {
                                p.addLast("tls", tls.client().newHandler(ch.alloc(), address.host(), address.port()));
                            }
                            p.addLast("idle", new IdleStateHandler(s.idleTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
                            p.addLast("decoder", new FrameDecoder(() -> transport.settings().frameMaxBytes(),
                                    () -> transport.settings().idleTimeoutMs(), System::nanoTime));
                            p.addLast("encoder", FrameEncoder.INSTANCE);
                            p.addLast("handler", new ClientHandler(transport, PeerLink.this, Stream.this));
                        }
                    });
            ChannelFuture f = b.connect(address.host(), address.port());
            channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    lastError = "connect to " + address.address() + " failed: " + done.cause().getMessage();
                    f.channel().close();
                    onClosed(f.channel());
                }
            });
            f.channel().closeFuture().addListener(done -> onClosed(f.channel()));
        }

        /** The HELLO answer came back right: the stream carries traffic from now on. */
        void up(Channel ch) {
            synchronized (this) {
                if (channel != ch || closed) {
                    ch.close();
                    return;
                }
                failures = 0;
                if (wasUp) {
                    reconnects.increment();
                    transport.counters.reconnects.increment();
                }
                wasUp = true;
                refused = false;
                lastError = "";
                everConnected = true;
                ready = ch;
            }
            // Messages that found no stream up, or whose stream dropped, go out now.
            for (Pending p : pending.values()) {
                if (p.stream == Pending.UNASSIGNED) {
                    dispatch(p);
                }
            }
        }

        /** A write failed on {@code ch}: treat the stream as lost if it still is this one. */
        void lost(Channel ch) {
            ch.close();
            onClosed(ch);
        }

        private void onClosed(Channel ch) {
            synchronized (this) {
                if (channel != ch) {
                    return; // already handled, or an older connection
                }
                channel = null;
                ready = null;
                scheduleReconnect();
            }
            // Resend what this stream carried, with the same ids, on the streams still up.
            for (Pending p : pending.values()) {
                if (p.stream == index) {
                    p.stream = Pending.UNASSIGNED;
                    if (anyReadyChannel() != null) {
                        transport.counters.resends.increment();
                        dispatch(p);
                    }
                }
            }
            TransportException lost = new TransportException("sync", id(), Kind.CONNECTION_LOST,
                    "the connection carrying the request closed", null);
            syncs.forEach((id, w) -> {
                if (w.stream() == index && syncs.remove(id, w)) {
                    w.answer().completeExceptionally(lost);
                }
            });
        }

        private void scheduleReconnect() {
            if (closed || transport.isClosed() || retry != null) {
                return;
            }
            TransportSettings s = transport.settings();
            long base = Math.min(s.reconnectMaxMs(), s.reconnectInitialMs() << Math.min(failures, 20));
            failures++;
            // +-20 % jitter so the streams of many peers do not reconnect in lock-step
            long delay = Math.max(1, (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
            try {
                retry = transport.group().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the event loop is shutting down: nothing to reconnect
            }
        }

        synchronized void close() {
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            Channel c = channel;
            if (c != null) {
                c.close();
            }
        }
    }
}
