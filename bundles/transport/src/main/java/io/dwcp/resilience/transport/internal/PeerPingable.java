package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.health.Pingable;
import java.util.function.Supplier;

/** A peer as a {@link Pingable}: a PING frame on one of its streams, answered by a PONG. */
final class PeerPingable implements Pingable {

    private final String peer;
    private final Supplier<NettyTransport> engine;

    PeerPingable(String peer, Supplier<NettyTransport> engine) {
        this.peer = peer;
        this.engine = engine;
    }

    @Override
    public String target() {
        return peer;
    }

    @Override
    public long ping(long timeoutNanos) throws Exception {
        return engine.get().ping(peer, timeoutNanos);
    }
}
