package io.dwcp.resilience.fallback.internal;

import io.dwcp.resilience.api.Stage;
import io.dwcp.resilience.api.StagePosition;
import io.dwcp.resilience.kit.ConfigReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The fallback stage's validated configuration: immutable, equal when the values are.
 *
 * @param operation     the operation protected, or {@code *}
 * @param use           the ways to answer a failed call, in the order they are tried
 * @param on            the failures that fall back (class names)
 * @param peers         for {@link Way#PEERS}: the peers to try instead
 * @param maxAgeNanos   for {@link Way#LAST_GOOD}: the oldest response used; 0 for no limit
 * @param maxPeers      for {@link Way#LAST_GOOD}: the peers kept per operation
 * @param staticType    for {@link Way#STATIC}: what kind of value
 * @param staticValue   for {@link Way#STATIC}: its text
 * @param position      the slot
 */
record FallbackSettings(String operation, List<Way> use, Set<String> on, List<String> peers, long maxAgeNanos,
        int maxPeers, StaticType staticType, String staticValue, StagePosition position) implements io.dwcp.resilience.kit.ConfiguredComponent.Scoped {

    static final long DEFAULT_MAX_AGE_MS = 60_000;
    static final int DEFAULT_MAX_PEERS = 64;
    static final String DEFAULT_POSITION = "after:chaos";

    /** A way to answer a failed call. */
    enum Way {
        /** The same call addressed to another peer. */
        PEERS,
        /** The last successful response of the operation from the same peer. */
        LAST_GOOD,
        /** A configured value. */
        STATIC
    }

    /** What a static response is. */
    enum StaticType {
        STRING, BYTES, EMPTY, NULL
    }

    FallbackSettings {
        use = List.copyOf(use);
        on = Set.copyOf(on);
        peers = List.copyOf(peers);
    }

    /** Reads and checks every key; a bad value is refused naming the PID, key, value and reason. */
    static FallbackSettings read(ConfigReader config) {
        String operation = config.operation();
        List<Way> use = new ArrayList<>();
        List<String> ways = config.has("use") ? config.list("use") : List.of("last-good");
        for (String way : ways) {
            Way parsed = new ConfigReader(config.pid(), java.util.Map.of("use", way)).enumValue("use", null, Way.class);
            if (use.contains(parsed)) {
                throw config.refuse("use", String.join(",", ways), "'" + way + "' is named twice");
            }
            use.add(parsed);
        }
        if (use.isEmpty()) {
            throw config.refuse("use", "", "name at least one of peers, last-good, static");
        }
        List<String> peers = config.list("peers");
        if (use.contains(Way.PEERS) && peers.isEmpty()) {
            throw config.refuse("peers", null, "required when use includes peers: the peers to try instead");
        }
        long maxAgeMs = config.longValue("last.good.max.age.ms", DEFAULT_MAX_AGE_MS, 0, TimeUnit.DAYS.toMillis(1));
        int maxPeers = config.intValue("last.good.max.peers", DEFAULT_MAX_PEERS, 1, 100_000);
        StaticType type = config.enumValue("static.type", StaticType.STRING, StaticType.class);
        String value = config.string("static.value", "");
        String positionText = config.string(Stage.POSITION, DEFAULT_POSITION);
        StagePosition position;
        try {
            position = StagePosition.parse(positionText);
        } catch (IllegalArgumentException e) {
            throw config.refuse(Stage.POSITION, positionText, e.getMessage());
        }
        return new FallbackSettings(operation, use, config.classNames("on", "java.lang.Exception"), peers,
                TimeUnit.MILLISECONDS.toNanos(maxAgeMs), maxPeers, type, value, position);
    }

    /** @return the static response, a new object each time where it is mutable */
    Object staticResponse() {
        switch (staticType) {
            case BYTES:
                return staticValue.getBytes(StandardCharsets.UTF_8);
            case EMPTY:
                return Optional.empty();
            case NULL:
                return null;
            default:
                return staticValue;
        }
    }

    @Override
    public String toString() {
        return "operation " + operation + ", use " + use + (use.contains(Way.PEERS) ? ", peers " + peers : "")
                + (use.contains(Way.LAST_GOOD) ? ", last good up to " + TimeUnit.NANOSECONDS.toMillis(maxAgeNanos)
                        + " ms old, " + maxPeers + " peers" : "")
                + (use.contains(Way.STATIC) ? ", static " + staticType.name().toLowerCase(java.util.Locale.ROOT)
                        + (staticType == StaticType.STRING || staticType == StaticType.BYTES ? " '" + staticValue + "'" : "") : "")
                + ", on " + on + ", slot " + position;
    }
}
