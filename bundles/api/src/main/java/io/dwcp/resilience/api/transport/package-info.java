/**
 * The DWCP transport and the DWCP manager: node-to-node messaging over TCP, and the same four
 * operations run through the resilience chain.
 *
 * <ul>
 * <li>{@link io.dwcp.resilience.api.transport.DWCPManager} is what applications call: {@code send},
 * {@code receive}, {@code sync} and {@code consensus}, each through
 * {@link io.dwcp.resilience.api.ResilienceManager#execute(String, String, io.dwcp.resilience.api.Call)}
 * with the operation of the same name, plus health, degradation, budgets, metrics and chaos in one
 * place.</li>
 * <li>{@link io.dwcp.resilience.api.transport.DWCPTransport} is the raw transport underneath (no chain):
 * for benchmarks, tests and tools that must see the wire alone.</li>
 * <li>{@link io.dwcp.resilience.api.transport.SyncHandler} is the whiteboard SPI that answers
 * {@code sync} requests on the receiving node.</li>
 * </ul>
 *
 * <h2>Configuration: PID {@value io.dwcp.resilience.api.transport.DWCPTransport#PID}</h2>
 * Applied live ({@code modified}); a bad value is refused whole with an
 * {@link io.dwcp.resilience.api.InvalidConfigurationException} naming the key, and the previous
 * configuration stays in force. A changed peer list connects and disconnects only the peers that
 * changed.
 * <table>
 * <caption>keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code node.id}</td><td>{@code node-1}</td><td>this node's id, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}; unique in the cluster</td></tr>
 * <tr><td>{@code listen.host}</td><td>{@code 127.0.0.1}</td><td>address to listen on</td></tr>
 * <tr><td>{@code listen.port}</td><td>{@code 7700}</td><td>TCP port; 0 = any free port (the bound port is logged and in {@link io.dwcp.resilience.api.transport.DWCPTransport#localPort()})</td></tr>
 * <tr><td>{@code peers}</td><td>(none)</td><td>{@code id=host:port} entries (array or comma-separated); never this node's id</td></tr>
 * <tr><td>{@code streams}</td><td>{@code 2}</td><td>TCP connections per peer (1..16); messages are striped across them</td></tr>
 * <tr><td>{@code frame.max.bytes}</td><td>{@code 1048576}</td><td>largest frame accepted or sent (payload + header); checked before any buffer is allocated</td></tr>
 * <tr><td>{@code connect.timeout.ms}</td><td>{@code 2000}</td><td>TCP connect + HELLO handshake timeout</td></tr>
 * <tr><td>{@code idle.timeout.ms}</td><td>{@code 15000}</td><td>a connection silent this long (no frame, not even PONG) is closed and reconnected</td></tr>
 * <tr><td>{@code ping.interval.ms}</td><td>{@code 1000}</td><td>PING period per connection (RTT, mode, tier, liveness)</td></tr>
 * <tr><td>{@code ack.timeout.ms}</td><td>{@code 5000}</td><td>longest wait for an ACK when the call carries no earlier deadline</td></tr>
 * <tr><td>{@code reconnect.initial.ms}, {@code reconnect.max.ms}</td><td>{@code 100}, {@code 5000}</td><td>reconnect backoff (doubling, with jitter)</td></tr>
 * <tr><td>{@code inbound.queue.capacity}</td><td>{@code 10000}</td><td>messages accepted but not yet received; when full, DATA is not acknowledged (back-pressure)</td></tr>
 * <tr><td>{@code dedup.window}</td><td>{@code 65536}</td><td>message ids remembered per sender to drop duplicates</td></tr>
 * <tr><td>{@code compression.enabled}, {@code compression.threshold.bytes}</td><td>{@code true}, {@code 4096}</td><td>LZ4-compress payloads at or above the threshold when it saves bytes</td></tr>
 * <tr><td>{@code mode.datacenter.rtt.ms}, {@code mode.internet.rtt.ms}</td><td>{@code 10}, {@code 50}</td><td>RTT thresholds of the tiers (LOCAL below, GLOBAL above)</td></tr>
 * <tr><td>{@code mode.datacenter.throughput.mbps}, {@code mode.internet.throughput.mbps}</td><td>{@code 1000}, {@code 100}</td><td>throughput thresholds of the tiers for a link measured while saturated (LOCAL at or above, GLOBAL below); a peer's tier is the farther of the two</td></tr>
 * <tr><td>{@code mode.hysteresis}</td><td>{@code 0.2}</td><td>the relative margin an RTT or throughput must cross a threshold by before a tier (and so the mode) changes</td></tr>
 * <tr><td>{@code tls.enabled}</td><td>{@code false}</td><td>TLS with mutual authentication on every connection</td></tr>
 * <tr><td>{@code tls.keystore}, {@code tls.keystore.password}, {@code tls.keystore.type}</td><td>-, -, {@code PKCS12}</td><td>this node's key and certificate</td></tr>
 * <tr><td>{@code tls.truststore}, {@code tls.truststore.password}, {@code tls.truststore.type}</td><td>-, -, {@code PKCS12}</td><td>certificates (or CA) of the peers to trust</td></tr>
 * </table>
 *
 * <p>The wire format, the delivery guarantees and their limits are described in the project's
 * {@code docs/transport.md}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.dwcp.resilience.api.transport;
