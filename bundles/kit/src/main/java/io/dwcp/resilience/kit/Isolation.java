package io.dwcp.resilience.kit;

import java.util.Locale;

/**
 * How far a stage's instances are split: one per operation (the default) or one per operation and
 * peer, so that one dead peer opens only its own breaker (or fills only its own bulkhead) instead of
 * the operation's for every peer. Read from the same two keys in every stage that offers it
 * ({@value #SCOPE}, {@value #MAX_PEERS}), declared in each stage's Metatype {@code @interface} (with
 * {@link #SCOPE_DESCRIPTION} and {@link #MAX_PEERS_DESCRIPTION}) and read through {@link ConfigReader#typed},
 * so they are refused with the kit's one wording.
 *
 * @param scope    what one instance serves
 * @param maxPeers with {@link Scope#PEER}: at most this many peers of one operation keep an instance;
 *                 the one used least recently is evicted past it (read, and checked, in both scopes)
 * @since 1.2
 */
public record Isolation(Scope scope, int maxPeers) {

    /** Key of the scope: {@code operation} or {@code peer}. */
    public static final String SCOPE = "scope";
    /** Key of the bound on peers per operation. */
    public static final String MAX_PEERS = "max.peers";
    /** Default of {@value #MAX_PEERS}: a cluster's worth of peers, with room for replacements. */
    public static final int DEFAULT_MAX_PEERS = 64;
    /** Upper bound of {@value #MAX_PEERS}: each peer's instance costs memory (a breaker's window). */
    public static final int MAX_MAX_PEERS = 100_000;

    /** Metatype description of {@value #SCOPE}: the one text of the key in every stage that offers it. */
    public static final String SCOPE_DESCRIPTION = "operation: one instance (breaker, bulkhead) for every call of the "
            + "operation; peer: one per peer the calls are addressed to, so that one dead or slow peer opens or fills "
            + "only its own (at most max.peers peers, the least recently used evicted).";
    /** Metatype description of {@value #MAX_PEERS}: the one text of the key in every stage that offers it. */
    public static final String MAX_PEERS_DESCRIPTION = "With scope=peer: at most this many peers of one operation keep "
            + "an instance of their own; past it the peer used least recently is evicted: calls in flight finish in "
            + "its old instance (a thread-pool bulkhead's threads then stop), a breaker's last state stays in the "
            + "state store and is restored when the peer comes back.";

    /** One instance per operation, the default. */
    public static final Isolation PER_OPERATION = new Isolation(Scope.OPERATION, DEFAULT_MAX_PEERS);

    /** What one instance serves. */
    public enum Scope {
        /** Every call of the operation, whatever its peer. */
        OPERATION,
        /** The calls of the operation addressed to one peer ({@code Invocation.peer()}). */
        PEER
    }

    /** Checks the bound. */
    public Isolation {
        if (scope == null) {
            throw new IllegalArgumentException("scope is null");
        }
        if (maxPeers < 1 || maxPeers > MAX_MAX_PEERS) {
            throw new IllegalArgumentException(MAX_PEERS + " " + maxPeers + " not between 1 and " + MAX_MAX_PEERS);
        }
    }

    /**
     * @param scope    the {@value #SCOPE} of a {@link ConfigReader#typed} view (already checked against the
     *                 Metatype's options {@code operation}, {@code peer}: case-insensitive)
     * @param maxPeers its {@value #MAX_PEERS} (checked against the Metatype's bounds, 1 to {@value #MAX_MAX_PEERS})
     * @return the isolation they describe
     * @since 2.0 (replaces {@code read(ConfigReader)})
     */
    public static Isolation of(String scope, int maxPeers) {
        Scope s = ConfigReader.constant(Scope.class, scope);
        if (s == null) {
            throw new IllegalArgumentException(SCOPE + " '" + scope + "' is neither operation nor peer");
        }
        return new Isolation(s, maxPeers);
    }

    /** @return whether each peer has an instance of its own */
    public boolean perPeer() {
        return scope == Scope.PEER;
    }

    @Override
    public String toString() {
        return perPeer() ? "scope=peer max.peers=" + maxPeers : "scope=operation";
    }

    /** @return the scope as written in a configuration */
    public String scopeName() {
        return scope.name().toLowerCase(Locale.ROOT);
    }
}
