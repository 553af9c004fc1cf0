package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.NetworkTier;
import io.dwcp.resilience.api.transport.PeerStatus;
import io.dwcp.resilience.api.transport.QuorumNotReachedException;
import io.dwcp.resilience.api.transport.SyncHandler;
import io.dwcp.resilience.api.transport.TransportException;
import io.dwcp.resilience.api.transport.TransportException.Kind;
import io.dwcp.resilience.api.transport.TransportMetrics;
import io.dwcp.resilience.api.transport.TransportMode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The network engine: a Netty listener for the peers' connections, a {@link PeerLink} per configured
 * peer for this node's own, and the operations of {@link DWCPTransport} on top. Plain Java: the DS
 * component feeds it settings, partition policies and sync handlers.
 *
 * <p>The inbound queue is given, not owned: rebuilding the engine (new listen address, TLS, node id)
 * keeps the messages already accepted.
 */
public final class NettyTransport implements DWCPTransport, AutoCloseable {

    final TransportCounters counters;
    private final InboundQueue inbound;
    private final PayloadCompression compression;
    private final Predicate<String> partitions;
    private final Supplier<SyncHandler> syncHandlers;
    private final TransportLog log;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor syncWorkers;
    private final ByteCounter byteCounter;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids;
    private volatile TransportSettings settings;
    private volatile TlsContexts tls;
    private volatile Channel server;
    private volatile String listenError = "";
    private volatile boolean closed;
    private ScheduledFuture<?> sweeper;
    private final SyncHandler summary = new StateSummary(this);

    NettyTransport(TransportSettings settings, InboundQueue inbound, TransportCounters counters, PayloadCompression compression,
            AtomicLong ids, Predicate<String> partitions, Supplier<SyncHandler> syncHandlers, TransportLog log) throws Exception {
        this.settings = settings;
        this.inbound = inbound;
        this.counters = counters;
        this.compression = compression;
        this.ids = ids;
        this.partitions = partitions;
        this.syncHandlers = syncHandlers;
        this.log = log;
        this.byteCounter = new ByteCounter(counters);
        this.tls = settings.tls().enabled() ? TlsContexts.create(settings.tls()) : null;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dwcp-io-" + settings.nodeId(), true),
                NioIoHandler.newFactory());
        this.syncWorkers = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024),
                new DefaultThreadFactory("dwcp-sync-" + settings.nodeId(), true));
    }

    /** Starts listening and connecting; a listener that cannot bind is logged and reported, not fatal. */
    void start() {
        bind();
        for (PeerAddress p : settings.peers().values()) {
            PeerLink link = new PeerLink(this, p, settings.streams());
            links.put(p.nodeId(), link);
            link.start();
        }
        sweeper = group.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            for (PeerLink l : links.values()) {
                l.sweep(now);
                l.sampleThroughput(now);
                if (isPartitioned(l.id()) && (!l.pending.isEmpty() || !l.syncs.isEmpty())) {
                    l.partitioned();
                }
            }
            logModeChange();
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    private TransportMode loggedMode = TransportMode.DATACENTER;

    /** Says when the mode changes, and the figures that changed it. Sweeper thread only. */
    private void logModeChange() {
        TransportMode now = mode();
        if (now != loggedMode) {
            StringBuilder why = new StringBuilder();
            for (PeerLink l : new TreeMap<>(links).values()) {
                why.append(why.length() == 0 ? "" : "; ").append(l.id()).append(' ').append(l.tier());
                if (l.rttNanos() >= 0) {
                    why.append(String.format(java.util.Locale.ROOT, ", RTT %.3f ms", l.rttNanos() / 1e6));
                }
                if (l.throughputMbps() >= 0) {
                    why.append(String.format(java.util.Locale.ROOT, ", %.1f Mbit/s measured", l.throughputMbps()));
                }
            }
            log.info("node " + nodeId() + ": transport mode " + loggedMode + " -> " + now + " (" + why + ")");
            loggedMode = now;
        }
    }

    private void bind() {
        TransportSettings s = settings;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.closeFuture().addListener(f -> accepted.remove(ch));
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("bytes", byteCounter);
                        TlsContexts t = tls;
                        if (t != null) {
                            p.addLast("tls", t.server().newHandler(ch.alloc()));
                        }
                        p.addLast("idle", new IdleStateHandler(settings.idleTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS));
                        p.addLast("decoder", new FrameDecoder(() -> settings.frameMaxBytes(), () -> settings.idleTimeoutMs(), System::nanoTime));
                        p.addLast("encoder", FrameEncoder.INSTANCE);
                        p.addLast("handler", new ServerHandler(NettyTransport.this));
                    }
                });
        try {
            server = b.bind(s.listenHost(), s.listenPort()).sync().channel();
            listenError = "";
            log.info("node " + s.nodeId() + " listening on " + s.listenHost() + ":" + localPort()
                    + (tls != null ? " (TLS, client certificates required)" : "") + ", peers " + s.peers().values());
        } catch (Exception e) {
            server = null;
            listenError = "cannot listen on " + s.listenHost() + ":" + s.listenPort() + ": " + e.getMessage();
            log.error("node " + s.nodeId() + " " + listenError + "; it can still send to its peers, but they cannot reach it");
        }
    }

    /**
     * Applies new settings that keep node id, listen address and TLS (the caller rebuilds the engine for
     * those): peers added, removed or changed are connected or disconnected, the others keep their
     * connections; every other value applies to the next frame, connection or timer that reads it.
     */
    void update(TransportSettings next) {
        TransportSettings prev = settings;
        settings = next;
        inbound.resize(next.inboundQueueCapacity(), next.dedupWindow());
        for (PeerLink link : new ArrayList<>(links.values())) {
            PeerAddress now = next.peers().get(link.id());
            if (now == null || !now.equals(link.address) || link.streamCount() != next.streams()) {
                links.remove(link.id());
                link.close(now == null ? "peer " + link.id() + " removed from the configuration" : "peer " + link.id() + " reconfigured");
                log.info("node " + next.nodeId() + ": " + (now == null ? "disconnected from removed peer " : "reconnecting changed peer ")
                        + link.address);
            }
        }
        for (PeerAddress p : next.peers().values()) {
            if (!links.containsKey(p.nodeId())) {
                PeerLink link = new PeerLink(this, p, next.streams());
                links.put(p.nodeId(), link);
                link.start();
                if (!prev.peers().containsKey(p.nodeId())) {
                    log.info("node " + next.nodeId() + ": connecting to new peer " + p);
                }
            }
        }
        // Connections from peers no longer configured are closed: they would be refused at HELLO now.
        for (Channel ch : accepted) {
            ServerHandler h = ch.pipeline().get(ServerHandler.class);
            String peer = h == null ? null : h.peerId();
            if (peer != null && !next.peers().containsKey(peer)) {
                ch.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (PeerLink l : links.values()) {
            l.close("the transport is shutting down");
        }
        links.clear();
        Channel s = server;
        if (s != null) {
            s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel ch : accepted) {
            ch.close();
        }
        syncWorkers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ---- accessors for the handlers

    TransportSettings settings() {
        return settings;
    }

    TlsContexts tls() {
        return tls;
    }

    EventLoopGroup group() {
        return group;
    }

    ByteCounter byteCounter() {
        return byteCounter;
    }

    TransportLog log() {
        return log;
    }

    InboundQueue inbound() {
        return inbound;
    }

    PayloadCompression compression() {
        return compression;
    }

    ThreadPoolExecutor syncWorkers() {
        return syncWorkers;
    }

    /** @return the best registered sync handler, else the built-in state summary */
    SyncHandler syncHandler() {
        SyncHandler h = syncHandlers.get();
        return h != null ? h : summary;
    }

    boolean isClosed() {
        return closed;
    }

    boolean isPartitioned(String peer) {
        return partitions.test(peer);
    }

    String listenError() {
        return listenError;
    }

    PeerLink link(String peer) {
        return links.get(peer);
    }

    // ---- DWCPTransport

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public int localPort() {
        Channel s = server;
        return s == null ? -1 : ((InetSocketAddress) s.localAddress()).getPort();
    }

    @Override
    public long nextMessageId() {
        return ids.incrementAndGet();
    }

    private long effectiveDeadline(long deadlineNanos) {
        long byAck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMs());
        return deadlineNanos - byAck < 0 ? deadlineNanos : byAck;
    }

    private PeerLink linkFor(String operation, String peer) throws TransportException {
        if (closed) {
            throw new TransportException(operation, peer, Kind.SHUT_DOWN, "the transport is stopped", null);
        }
        PeerLink link = peer == null ? null : links.get(peer);
        if (link == null) {
            throw new TransportException(operation, String.valueOf(peer), Kind.UNKNOWN_PEER,
                    "not a configured peer of " + nodeId() + " (peers: " + links.keySet() + ")", null);
        }
        if (isPartitioned(peer)) {
            throw new TransportException(operation, peer, Kind.PARTITIONED, "a partition policy cuts this peer", null);
        }
        return link;
    }

    private Frame outbound(String operation, String peer, FrameType type, long id, byte[] payload) throws TransportException {
        TransportSettings s = settings;
        Frame frame = compression.frame(type, id, payload, s.compressionEnabled(), s.compressionThresholdBytes());
        if (frame.wireSize() > s.frameMaxBytes()) {
            throw new TransportException(operation, peer, Kind.TOO_LARGE, payload.length + " bytes do not fit in frame.max.bytes="
                    + s.frameMaxBytes() + " (" + FrameCodec.OVERHEAD + " bytes of header)", null);
        }
        return frame;
    }

    /** Starts sending. @return the message waiting for its ACK: its future completes when the peer acknowledges */
    Pending sendAsync(String operation, String peer, long id, byte[] payload, long deadline) throws TransportException {
        PeerLink link = linkFor(operation, peer);
        Frame frame = outbound(operation, peer, FrameType.DATA, id, payload);
        Pending fresh = new Pending(frame, deadline);
        Pending p = link.pending.putIfAbsent(id, fresh);
        if (p != null) {
            // a retry of a message still waiting: wait for the same acknowledgement, write it again
            if (deadline - p.deadlineNanos > 0) {
                p.deadlineNanos = deadline;
            }
        } else {
            p = fresh;
        }
        link.dispatch(p);
        return p;
    }

    @Override
    public void send(String peer, long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException {
        long deadline = effectiveDeadline(deadlineNanos);
        Pending p = sendAsync("send", peer, messageId, payload, deadline);
        try {
            p.acked.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (p.acked.isDone()) {
                // completed between the wait's end and here (the ACK, or the sweeper failing it): that outcome
                awaitDone(p, peer);
                return;
            }
            PeerLink link = links.get(peer);
            if (link != null) {
                link.pending.remove(messageId, p);
            }
            // decided by this message's own record (written or not), never by looking it up again: the
            // sweeper may have removed it meanwhile, which once made a written message read as NOT_CONNECTED
            throw p.timedOut("send", peer, link == null ? "" : link.status().lastError());
        } catch (ExecutionException e) {
            throw rethrow("send", peer, e.getCause());
        }
    }

    private static void awaitDone(Pending p, String peer) throws TransportException, InterruptedException {
        try {
            p.acked.get();
        } catch (ExecutionException e) {
            throw rethrow("send", peer, e.getCause());
        }
    }

    private static String lastError(PeerLink link) {
        String err = link == null ? "" : link.status().lastError();
        return err.isEmpty() ? "" : " (" + err + ")";
    }

    private static TransportException rethrow(String operation, String peer, Throwable cause) {
        if (cause instanceof TransportException t && t.operation().equals(operation)) {
            return t;
        }
        if (cause instanceof TransportException t) {
            return new TransportException(operation, peer, t.kind(), t.reason(), t);
        }
        return new TransportException(operation, peer, Kind.CONNECTION_LOST, String.valueOf(cause), cause);
    }

    /**
     * Confirms what the calling thread took last (its ACK goes out now), then takes the next message.
     * See {@link InboundQueue}: an ACK means the application is done with the message.
     */
    @Override
    public Optional<InboundMessage> receive(long deadlineNanos) throws InterruptedException {
        return inbound.receive(deadlineNanos, acker);
    }

    /** The application is done with a message it took: its ACK goes out now (see {@link InboundQueue#acknowledge}). */
    @Override
    public boolean acknowledge(InboundMessage message) {
        return inbound.acknowledgeForApplication(message, acker);
    }

    /** {@link #ack} as the inbound queue takes it, made once rather than per receive. */
    private final InboundQueue.Acknowledger acker = this::ack;

    /**
     * Acknowledges a message the application is done with: on the connection its latest copy came on,
     * else on any connection from its sender that is up. With none up the sender resends it, and the
     * resend (a duplicate of a confirmed id) is acknowledged at once.
     */
    void ack(String sender, long id, Object handle) {
        Channel ch = handle instanceof Channel c && c.isActive() ? c : null;
        if (ch == null) {
            for (Channel a : accepted) {
                ServerHandler h = a.isActive() ? a.pipeline().get(ServerHandler.class) : null;
                if (h != null && sender.equals(h.peerId())) {
                    ch = a;
                    break;
                }
            }
        }
        if (ch != null) {
            ch.writeAndFlush(Frame.of(FrameType.ACK, id));
        }
    }

    @Override
    public byte[] sync(String peer, byte[] request, long deadlineNanos) throws TransportException, InterruptedException {
        long deadline = effectiveDeadline(deadlineNanos);
        PeerLink link = linkFor("sync", peer);
        long id = nextMessageId();
        Frame frame = outbound("sync", peer, FrameType.SYNC_REQUEST, id, request);
        Channel ch;
        // wait for a stream to come up, within the deadline
        while ((ch = link.anyReadyChannel()) == null) {
            if (deadline - System.nanoTime() <= 0) {
                throw new TransportException("sync", peer, Kind.NOT_CONNECTED, "no connection to the peer came up before the deadline"
                        + lastError(link), null);
            }
            Thread.sleep(5);
            linkFor("sync", peer);
        }
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        link.syncs.put(id, new PeerLink.SyncWait(answer, link.streamOf(ch)));
        ch.writeAndFlush(frame);
        try {
            Frame f = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f.has(FrameCodec.FLAG_ERROR)) {
                throw new TransportException("sync", peer, Kind.REMOTE_FAILURE, "the peer's sync handler failed: "
                        + ConnectionHandler.text(f.payload()), null);
            }
            try {
                return compression.payload(f, settings.frameMaxBytes());
            } catch (FrameRefusedException e) {
                throw new TransportException("sync", peer, Kind.CONNECTION_LOST, "undecodable answer: " + e.getMessage(), null);
            }
        } catch (TimeoutException e) {
            link.syncs.remove(id);
            throw new TransportException("sync", peer, Kind.TIMEOUT, "no answer before the deadline", null);
        } catch (ExecutionException e) {
            throw rethrow("sync", peer, e.getCause());
        }
    }

    @Override
    public ConsensusResult consensus(long messageId, byte[] payload, long deadlineNanos) throws TransportException, InterruptedException {
        long deadline = effectiveDeadline(deadlineNanos);
        List<String> peers = new ArrayList<>(links.keySet());
        int clusterSize = peers.size() + 1;
        int quorum = clusterSize / 2 + 1;
        Set<String> acked = new HashSet<>();
        Map<String, String> failed = new HashMap<>();
        Object lock = new Object();
        for (String peer : peers) {
            try {
                sendAsync("consensus", peer, messageId, payload, deadline).acked.whenComplete((ok, err) -> {
                    synchronized (lock) {
                        if (err == null) {
                            acked.add(peer);
                        } else {
                            failed.put(peer, err instanceof TransportException t ? t.reason() : String.valueOf(err));
                        }
                        lock.notifyAll();
                    }
                });
            } catch (TransportException e) {
                if (e.kind() == Kind.TOO_LARGE) {
                    throw e;
                }
                synchronized (lock) {
                    failed.put(peer, e.reason());
                }
            }
        }
        synchronized (lock) {
            while (acked.size() + 1 < quorum && acked.size() + failed.size() < peers.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            Map<String, String> notAcked = new TreeMap<>(failed);
            for (String p : peers) {
                if (!acked.contains(p) && !notAcked.containsKey(p)) {
                    notAcked.put(p, acked.size() + 1 >= quorum ? "pending" : "no acknowledgement before the deadline");
                }
            }
            ConsensusResult result = new ConsensusResult(messageId, clusterSize, quorum, acked, notAcked);
            if (!result.reached()) {
                throw new QuorumNotReachedException("consensus", result);
            }
            return result;
        }
    }

    /**
     * Sends a PING on one stream of the peer and waits for its PONG.
     *
     * @return the round-trip time in nanoseconds
     */
    long ping(String peer, long timeoutNanos) throws TransportException, InterruptedException {
        PeerLink link = linkFor("ping", peer);
        Channel ch = link.anyReadyChannel();
        if (ch == null) {
            throw new TransportException("ping", peer, Kind.NOT_CONNECTED, "no stream to the peer is up" + lastError(link), null);
        }
        long id = System.nanoTime();
        CompletableFuture<Long> pong = new CompletableFuture<>();
        link.pings.put(id, pong);
        ch.writeAndFlush(Frame.of(FrameType.PING, id));
        try {
            return pong.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TransportException("ping", peer, Kind.TIMEOUT, "no PONG within " + timeoutNanos / 1_000_000 + " ms", null);
        } catch (ExecutionException e) {
            throw rethrow("ping", peer, e.getCause());
        } finally {
            link.pings.remove(id);
        }
    }

    @Override
    public List<PeerStatus> peers() {
        List<PeerStatus> out = new ArrayList<>();
        for (PeerLink l : new TreeMap<>(links).values()) {
            out.add(l.status());
        }
        return out;
    }

    TransportMode mode() {
        List<NetworkTier> tiers = new ArrayList<>();
        for (PeerLink l : links.values()) {
            tiers.add(l.tier());
        }
        return TierClassifier.mode(tiers);
    }

    Map<String, NetworkTier> tiers() {
        Map<String, NetworkTier> out = new TreeMap<>();
        links.forEach((k, v) -> out.put(k, v.tier()));
        return out;
    }

    /** Closes one connection of a peer (for fault drills). */
    boolean cutStream(String peer, int stream) {
        PeerLink l = links.get(peer);
        return l != null && l.cutStream(stream);
    }

    @Override
    public TransportMetrics metrics() {
        int up = 0;
        for (PeerLink l : links.values()) {
            up += l.status().streamsUp();
        }
        up += accepted.size();
        TransportSettings s = settings;
        return new TransportMetrics(counters.messagesOut.sum(), counters.messagesIn.sum(), counters.bytesOut.sum(),
                counters.bytesIn.sum(), up, counters.accepted.sum(), counters.reconnects.sum(), counters.resends.sum(),
                counters.duplicates.sum(), counters.backPressured.sum(), inbound.size(), counters.refusedByReason(),
                compression.metrics(s.compressionEnabled(), s.compressionThresholdBytes()), mode());
    }
}
