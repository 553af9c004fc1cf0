package io.dwcp.resilience.transport.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Real transports on loopback for tests: free ports, fast reconnects, one shared set of partitioned
 * peers. {@link #mesh()} points every node at all the others once they listen.
 */
final class TestNodes implements AutoCloseable {

    final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final Map<String, NettyTransport> nodes = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> props = new HashMap<>();
    private final TransportLog log;

    TestNodes(TransportLog log) {
        this.log = log;
    }

    NettyTransport start(String id, Map<String, ?> extra) throws Exception {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("node.id", id);
        p.put("listen.port", "0");
        p.putIfAbsent("reconnect.initial.ms", "10");
        p.putIfAbsent("reconnect.max.ms", "50");
        TransportSettings s = TransportSettings.from(p);
        NettyTransport t = new NettyTransport(s, new InboundQueue(s.inboundQueueCapacity(), s.dedupWindow()), new TransportCounters(),
                new PayloadCompression(), new AtomicLong(1000), cut::contains, () -> null, log);
        t.start();
        nodes.put(id, t);
        props.put(id, p);
        return t;
    }

    /** Each node's peers become all the other nodes (ports are known only once they listen). */
    void mesh() {
        for (Map.Entry<String, NettyTransport> n : nodes.entrySet()) {
            List<String> peers = new ArrayList<>();
            for (NettyTransport m : nodes.values()) {
                if (m != n.getValue()) {
                    peers.add(m.nodeId() + "=127.0.0.1:" + m.localPort());
                }
            }
            Map<String, Object> p = new HashMap<>(props.get(n.getKey()));
            p.put("peers", String.join(",", peers));
            n.getValue().update(TransportSettings.from(p));
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(NettyTransport::close);
        nodes.clear();
    }

    /** Waits for a condition the network brings about; ten seconds is a failure, not a threshold. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not reached within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A log that keeps quiet: fuzzing makes the transport warn a great deal, on purpose. */
    static final TransportLog QUIET = new TransportLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }

        @Override
        public void error(String message) {
            System.err.println("ERROR " + message);
        }
    };
}
