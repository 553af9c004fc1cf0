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

    /**
     * Reads {@link FallbackConfig} (its defaults, bounds and options are checked by the kit against the
     * generated Metatype) and checks the rules across keys; refuses naming the PID, key, value and reason.
     */
    static FallbackSettings read(ConfigReader config) {
        FallbackConfig c = config.typed(FallbackConfig.class);
        List<Way> use = new ArrayList<>();
        for (String way : c.use()) {
            if (use.contains(ConfigReader.constant(Way.class, way))) {
                throw config.refuse("use", String.join(",", c.use()), "'" + way + "' is named twice");
            }
            use.add(ConfigReader.constant(Way.class, way));
        }
        if (use.isEmpty()) {
            throw config.refuse("use", "", "name at least one of peers, last-good, static");
        }
        if (use.contains(Way.PEERS) && c.peers().length == 0) {
            throw config.refuse("peers", null, "required when use includes peers: the peers to try instead");
        }
        StagePosition position;
        try {
            position = StagePosition.parse(c.dwcp_stage_position());
        } catch (IllegalArgumentException e) {
            throw config.refuse(Stage.POSITION, c.dwcp_stage_position(), e.getMessage());
        }
        return new FallbackSettings(c.dwcp_operation(), use, config.classNames("on", c.on()), List.of(c.peers()),
                TimeUnit.MILLISECONDS.toNanos(c.last_good_max_age_ms()), c.last_good_max_peers(),
                ConfigReader.constant(StaticType.class, c.static_type()), c.static_value(), position);
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
