package io.dwcp.resilience.transport.internal;

/**
 * A configured peer.
 *
 * @param nodeId its node id
 * @param host   host name or address
 * @param port   TCP port
 */
record PeerAddress(String nodeId, String host, int port) {

    @Override
    public String toString() {
        return nodeId + "=" + host + ":" + port;
    }

    String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
