package io.dwcp.resilience.health.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Locale;

/**
 * How many of several parts must pass: all, any (at least one) or at least K.
 *
 * @param mode the rule
 * @param k    for {@link Mode#AT_LEAST}, how many; 1 otherwise
 */
record Quorum(Mode mode, int k) {

    /** The rules. */
    enum Mode {
        /** Every part. */
        ALL,
        /** At least one part. */
        ANY,
        /** At least K parts. */
        AT_LEAST
    }

    /** All parts must pass. */
    static final Quorum ALL = new Quorum(Mode.ALL, 1);

    /**
     * @param pid     the PID, for messages
     * @param key     the key of the rule
     * @param value   {@code all}, {@code any} or {@code at.least} (also {@code at-least}, {@code at_least})
     * @param kKey    the key of K
     * @param k       K for {@code at.least}
     * @param parts   how many parts there are, or -1 when unknown (targets that come and go)
     * @return the quorum
     * @throws InvalidConfigurationException for an unknown rule or a K out of range
     */
    static Quorum parse(String pid, String key, String value, String kKey, int k, int parts) {
        String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
        switch (normalized) {
            case "all":
                return ALL;
            case "any":
                return new Quorum(Mode.ANY, 1);
            case "at.least":
                if (k < 1) {
                    throw new InvalidConfigurationException(pid, kKey, k, "must be at least 1");
                }
                if (parts >= 0 && k > parts) {
                    throw new InvalidConfigurationException(pid, kKey, k, "more than the " + parts + " parts there are");
                }
                return new Quorum(Mode.AT_LEAST, k);
            default:
                throw new InvalidConfigurationException(pid, key, value, "expected all, any or at.least");
        }
    }

    /**
     * @param parts how many parts there are
     * @return how many must pass
     */
    int required(int parts) {
        switch (mode) {
            case ALL:
                return parts;
            case ANY:
                return 1;
            default:
                return k;
        }
    }

    @Override
    public String toString() {
        return mode == Mode.AT_LEAST ? "at least " + k : mode.name().toLowerCase(Locale.ROOT);
    }
}
