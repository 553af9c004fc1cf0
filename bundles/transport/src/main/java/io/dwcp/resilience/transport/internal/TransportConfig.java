package io.dwcp.resilience.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of PID {@code dwcp.transport} (read by {@link TransportSettings}, which validates it whole). */
@ObjectClassDefinition(name = "DWCP transport",
        description = "This node's DWCP transport: id, listener, peers, streams, limits, timeouts, compression, modes and TLS.")
@interface TransportConfig {

    @AttributeDefinition(name = "Node id", description = "This node's id, unique in the cluster: [A-Za-z0-9][A-Za-z0-9._-]{0,63}.")
    String node_id() default "node-1";

    @AttributeDefinition(name = "Listen host", description = "Address to listen on.")
    String listen_host() default "127.0.0.1";

    @AttributeDefinition(name = "Listen port", description = "TCP port, 0 for any free port (logged).", min = "0", max = "65535")
    int listen_port() default 7700;

    @AttributeDefinition(name = "Peers", description = "The other nodes, id=host:port each.", cardinality = 100, required = false)
    String[] peers() default {};

    @AttributeDefinition(name = "Streams per peer", description = "TCP connections per peer; messages are striped across them.", min = "1", max = "16")
    int streams() default 2;

    @AttributeDefinition(name = "Largest frame (bytes)", description = "Largest frame sent or accepted, header included; checked before allocating.", min = "256",
            max = "67108864")
    int frame_max_bytes() default 1048576;

    @AttributeDefinition(name = "Connect timeout (ms)", description = "TCP connect plus HELLO handshake.", min = "1", max = "600000")
    long connect_timeout_ms() default 2000;

    @AttributeDefinition(name = "Idle timeout (ms)", description = "A connection silent this long is closed and reconnected.", min = "100",
            max = "3600000")
    long idle_timeout_ms() default 15000;

    @AttributeDefinition(name = "Ping interval (ms)", description = "PING period per connection (RTT, tier, liveness); below the idle timeout.", min = "10",
            max = "600000")
    long ping_interval_ms() default 1000;

    @AttributeDefinition(name = "Ack timeout (ms)", description = "Longest wait for an acknowledgement when the call has no earlier deadline.", min = "1",
            max = "3600000")
    long ack_timeout_ms() default 5000;

    @AttributeDefinition(name = "Reconnect backoff start (ms)", min = "1", max = "600000")
    long reconnect_initial_ms() default 100;

    @AttributeDefinition(name = "Reconnect backoff limit (ms)", min = "1", max = "3600000")
    long reconnect_max_ms() default 5000;

    @AttributeDefinition(name = "Inbound queue capacity", description = "Messages accepted and not yet received; when full, DATA is not acknowledged.", min = "1",
            max = "10000000")
    int inbound_queue_capacity() default 10000;

    @AttributeDefinition(name = "De-duplication window", description = "Message ids remembered per sender.", min = "16", max = "10000000")
    int dedup_window() default 65536;

    @AttributeDefinition(name = "Compression", description = "LZ4-compress payloads at or above the threshold when it saves bytes.")
    boolean compression_enabled() default true;

    @AttributeDefinition(name = "Compression threshold (bytes)", min = "16")
    int compression_threshold_bytes() default 4096;

    @AttributeDefinition(name = "Datacenter RTT (ms)", description = "Below: tier LOCAL; all peers LOCAL: mode DATACENTER.",
            min = "0.001", max = "600000")
    double mode_datacenter_rtt_ms() default 10;

    @AttributeDefinition(name = "Internet RTT (ms)", description = "Above: tier GLOBAL; all peers GLOBAL: mode INTERNET.",
            min = "0.001", max = "600000")
    double mode_internet_rtt_ms() default 50;

    @AttributeDefinition(name = "Datacenter throughput (Mbit/s)", description = "Measured throughput of a saturated link at or above: "
            + "tier LOCAL by throughput. A peer's tier is the farther of its RTT's and its throughput's; an unsaturated link's throughput is unknown.",
            min = "0.001", max = "1000000000")
    double mode_datacenter_throughput_mbps() default 1000;

    @AttributeDefinition(name = "Internet throughput (Mbit/s)", description = "Measured throughput of a saturated link below: tier GLOBAL.",
            min = "0.001", max = "1000000000")
    double mode_internet_throughput_mbps() default 100;

    @AttributeDefinition(name = "Hysteresis", description = "Relative margin an RTT or throughput must cross a threshold by before a tier changes (0..0.9).",
            min = "0", max = "0.9")
    double mode_hysteresis() default 0.2;

    @AttributeDefinition(name = "TLS", description = "Mutual TLS on every connection.")
    boolean tls_enabled() default false;

    @AttributeDefinition(name = "Key store", description = "This node's key and certificate (PKCS12 or JKS file).", required = false)
    String tls_keystore() default "";

    @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD, required = false)
    String tls_keystore_password() default "";

    @AttributeDefinition(name = "Key store type", required = false, options = {
            @Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS") })
    String tls_keystore_type() default "PKCS12";

    @AttributeDefinition(name = "Trust store", description = "The peers' certificates or their CA.", required = false)
    String tls_truststore() default "";

    @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
    String tls_truststore_password() default "";

    @AttributeDefinition(name = "Trust store type", required = false, options = {
            @Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS") })
    String tls_truststore_type() default "PKCS12";
}
