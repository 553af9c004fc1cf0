package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.kit.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of a transport. {@link #from} checks every key before anything is
 * applied and refuses a bad value with an exception naming PID, key, value and reason.
 */
record TransportSettings(String nodeId, String listenHost, int listenPort, Map<String, PeerAddress> peers, int streams,
        int frameMaxBytes, long connectTimeoutMs, long idleTimeoutMs, long pingIntervalMs, long ackTimeoutMs,
        long reconnectInitialMs, long reconnectMaxMs, int inboundQueueCapacity, int dedupWindow,
        boolean compressionEnabled, int compressionThresholdBytes, double datacenterRttMs, double internetRttMs,
        double datacenterThroughputMbps, double internetThroughputMbps, double hysteresis, Tls tls) {

    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PEER = Pattern.compile("([^=\\s]+)\\s*=\\s*(\\[[^\\]]+\\]|[^:\\s]+):(\\d{1,5})");

    /**
     * TLS files and passwords.
     *
     * @param enabled            whether TLS is on
     * @param keystore           this node's key and certificate
     * @param keystorePassword   its password
     * @param keystoreType       {@code PKCS12} or {@code JKS}
     * @param truststore         the trusted peer certificates or CA
     * @param truststorePassword its password
     * @param truststoreType     {@code PKCS12} or {@code JKS}
     */
    record Tls(boolean enabled, String keystore, String keystorePassword, String keystoreType, String truststore,
            String truststorePassword, String truststoreType) {

        @Override
        public String toString() {
            return enabled ? "tls(keystore=" + keystore + ", truststore=" + truststore + ")" : "plaintext";
        }
    }

    /** Equal settings except for what a running transport can take live need no listener restart. */
    boolean sameEndpoint(TransportSettings other) {
        return nodeId.equals(other.nodeId) && listenHost.equals(other.listenHost) && listenPort == other.listenPort
                && tls.equals(other.tls);
    }

    /** Reads a configuration as the component would (tests): the PID named in refusals is its own, or {@code dwcp.transport}. */
    static TransportSettings from(Map<String, ?> properties) {
        return from(ConfigReader.of(properties, DWCPTransport.PID));
    }

    /**
     * Reads and validates every key through the stage kit's reader.
     *
     * @throws io.dwcp.resilience.api.InvalidConfigurationException for the first bad value, naming PID, key, value and reason
     */
    static TransportSettings from(ConfigReader c) {
        String nodeId = c.string("node.id", "node-1");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw c.refuse("node.id", nodeId, "must match " + NODE_ID.pattern());
        }
        String listenHost = c.string("listen.host", "127.0.0.1");
        if (listenHost.isEmpty()) {
            throw c.refuse("listen.host", listenHost, "must not be empty");
        }
        int listenPort = c.intValue("listen.port", 7700, 0, 65535);
        Map<String, PeerAddress> peers = new LinkedHashMap<>();
        for (String entry : c.list("peers")) {
            Matcher m = PEER.matcher(entry);
            if (!m.matches()) {
                throw c.refuse("peers", entry, "an entry must be id=host:port");
            }
            String id = m.group(1);
            if (!NODE_ID.matcher(id).matches()) {
                throw c.refuse("peers", entry, "node id must match " + NODE_ID.pattern());
            }
            if (id.equals(nodeId)) {
                throw c.refuse("peers", entry, "lists this node itself (node.id=" + nodeId + ")");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw c.refuse("peers", entry, "port must be between 1 and 65535");
            }
            String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
            if (peers.put(id, new PeerAddress(id, host, port)) != null) {
                throw c.refuse("peers", entry, "node id " + id + " listed twice");
            }
        }
        int streams = c.intValue("streams", 2, 1, 16);
        int frameMax = c.intValue("frame.max.bytes", 1 << 20, FrameCodec.MIN_FRAME, 64 << 20);
        long connectTimeout = c.longValue("connect.timeout.ms", 2000, 1, 600_000);
        long idleTimeout = c.longValue("idle.timeout.ms", 15_000, 100, 3_600_000);
        long pingInterval = c.longValue("ping.interval.ms", 1000, 10, 600_000);
        if (pingInterval >= idleTimeout) {
            throw c.refuse("ping.interval.ms", pingInterval, "must be below idle.timeout.ms (" + idleTimeout
                    + "), or healthy idle connections would be closed");
        }
        long ackTimeout = c.longValue("ack.timeout.ms", 5000, 1, 3_600_000);
        long reconnectInitial = c.longValue("reconnect.initial.ms", 100, 1, 600_000);
        long reconnectMax = c.longValue("reconnect.max.ms", 5000, 1, 3_600_000);
        if (reconnectMax < reconnectInitial) {
            throw c.refuse("reconnect.max.ms", reconnectMax, "must not be below reconnect.initial.ms (" + reconnectInitial + ")");
        }
        int queue = c.intValue("inbound.queue.capacity", 10_000, 1, 10_000_000);
        int dedup = c.intValue("dedup.window", 65_536, 16, 10_000_000);
        boolean compression = c.booleanValue("compression.enabled", true);
        int threshold = c.intValue("compression.threshold.bytes", 4096, 16, Integer.MAX_VALUE);
        double dcRtt = c.doubleValue("mode.datacenter.rtt.ms", 10, 0.001, 600_000);
        double inetRtt = c.doubleValue("mode.internet.rtt.ms", 50, 0.001, 600_000);
        if (inetRtt <= dcRtt) {
            throw c.refuse("mode.internet.rtt.ms", inetRtt, "must be above mode.datacenter.rtt.ms (" + dcRtt + ")");
        }
        double dcMbps = c.doubleValue("mode.datacenter.throughput.mbps", 1000, 0.001, 1e9);
        double inetMbps = c.doubleValue("mode.internet.throughput.mbps", 100, 0.001, 1e9);
        if (inetMbps >= dcMbps) {
            throw c.refuse("mode.internet.throughput.mbps", inetMbps, "must be below mode.datacenter.throughput.mbps (" + dcMbps + ")");
        }
        double hysteresis = c.doubleValue("mode.hysteresis", 0.2, 0, 0.9);
        boolean tlsOn = c.booleanValue("tls.enabled", false);
        Tls tls = new Tls(tlsOn, c.string("tls.keystore", ""), c.string("tls.keystore.password", ""),
                c.string("tls.keystore.type", "PKCS12"), c.string("tls.truststore", ""),
                c.string("tls.truststore.password", ""), c.string("tls.truststore.type", "PKCS12"));
        if (tlsOn) {
            for (String key : new String[] {"tls.keystore", "tls.truststore"}) {
                String file = key.equals("tls.keystore") ? tls.keystore() : tls.truststore();
                if (file.isEmpty()) {
                    throw c.refuse(key, file, "required when tls.enabled=true");
                }
                if (!Files.isReadable(Path.of(file))) {
                    throw c.refuse(key, file, "no readable file there");
                }
            }
            for (String key : new String[] {"tls.keystore.type", "tls.truststore.type"}) {
                String type = key.equals("tls.keystore.type") ? tls.keystoreType() : tls.truststoreType();
                if (!type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
                    throw c.refuse(key, type, "must be PKCS12 or JKS");
                }
            }
            try {
                TlsContexts.check(tls);
            } catch (Exception e) {
                throw c.refuse("tls.keystore", tls.keystore(), "cannot load the key or trust store: " + e.getMessage());
            }
        }
        return new TransportSettings(nodeId, listenHost, listenPort, peers, streams, frameMax, connectTimeout, idleTimeout,
                pingInterval, ackTimeout, reconnectInitial, reconnectMax, queue, dedup, compression, threshold, dcRtt, inetRtt,
                dcMbps, inetMbps, hysteresis, tls);
    }

    TransportSettings {
        Objects.requireNonNull(nodeId);
        peers = Map.copyOf(peers);
    }
}
