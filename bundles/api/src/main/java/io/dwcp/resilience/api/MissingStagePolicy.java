package io.dwcp.resilience.api;

import java.util.Locale;

/** What the manager does when no service provides a stage kind for an operation. */
public enum MissingStagePolicy {
    /** Run the call without that stage. */
    BYPASS,
    /** Fail the call at once with a {@link StageUnavailableException}. */
    REJECT;

    /**
     * @param value {@code bypass} or {@code reject}, any case
     * @return the policy
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static MissingStagePolicy parse(String value) {
        if (value != null) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "bypass":
                    return BYPASS;
                case "reject":
                    return REJECT;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown missing-stage policy '" + value + "': expected bypass or reject");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
