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
 * applied and refuses a bad value with an exception naming PID, key, value and reason: each value
 * against {@link TransportConfig}'s Metatype (the kit), the rules across keys and the TLS files here.
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
        TransportConfig k = c.typed(TransportConfig.class); // defaults, bounds and options: the Metatype's
        String nodeId = k.node_id();
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw c.refuse("node.id", nodeId, "must match " + NODE_ID.pattern());
        }
        if (k.listen_host().isEmpty()) {
            throw c.refuse("listen.host", k.listen_host(), "must not be empty");
        }
        Map<String, PeerAddress> peers = new LinkedHashMap<>();
        for (String entry : k.peers()) {
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
        if (k.ping_interval_ms() >= k.idle_timeout_ms()) {
            throw c.refuse("ping.interval.ms", k.ping_interval_ms(), "must be below idle.timeout.ms ("
                    + k.idle_timeout_ms() + "), or healthy idle connections would be closed");
        }
        if (k.reconnect_max_ms() < k.reconnect_initial_ms()) {
            throw c.refuse("reconnect.max.ms", k.reconnect_max_ms(), "must not be below reconnect.initial.ms ("
                    + k.reconnect_initial_ms() + ")");
        }
        if (k.mode_internet_rtt_ms() <= k.mode_datacenter_rtt_ms()) {
            throw c.refuse("mode.internet.rtt.ms", k.mode_internet_rtt_ms(), "must be above mode.datacenter.rtt.ms ("
                    + k.mode_datacenter_rtt_ms() + ")");
        }
        if (k.mode_internet_throughput_mbps() >= k.mode_datacenter_throughput_mbps()) {
            throw c.refuse("mode.internet.throughput.mbps", k.mode_internet_throughput_mbps(),
                    "must be below mode.datacenter.throughput.mbps (" + k.mode_datacenter_throughput_mbps() + ")");
        }
        boolean tlsOn = k.tls_enabled();
        Tls tls = new Tls(tlsOn, k.tls_keystore(), k.tls_keystore_password(), k.tls_keystore_type(), k.tls_truststore(),
                k.tls_truststore_password(), k.tls_truststore_type());
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
            try {
                TlsContexts.check(tls);
            } catch (Exception e) {
                throw c.refuse("tls.keystore", tls.keystore(), "cannot load the key or trust store: " + e.getMessage());
            }
        }
        return new TransportSettings(nodeId, k.listen_host(), k.listen_port(), peers, k.streams(), k.frame_max_bytes(),
                k.connect_timeout_ms(), k.idle_timeout_ms(), k.ping_interval_ms(), k.ack_timeout_ms(),
                k.reconnect_initial_ms(), k.reconnect_max_ms(), k.inbound_queue_capacity(), k.dedup_window(),
                k.compression_enabled(), k.compression_threshold_bytes(), k.mode_datacenter_rtt_ms(),
                k.mode_internet_rtt_ms(), k.mode_datacenter_throughput_mbps(), k.mode_internet_throughput_mbps(),
                k.mode_hysteresis(), tls);
    }

    TransportSettings {
        Objects.requireNonNull(nodeId);
        peers = Map.copyOf(peers);
    }
}
