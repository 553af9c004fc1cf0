package io.dwcp.resilience.injector.panic.internal;

import io.dwcp.resilience.api.InvalidConfigurationException;
import java.util.Locale;

/** What a panic throws. */
enum PanicKind {
    /** A {@link ChaosPanicException}, unchecked. */
    EXCEPTION,
    /** A {@link ChaosPanicError}. */
    ERROR,
    /** Either, with equal chance. */
    MIXED;

    /**
     * @param value {@code exception}, {@code error} or {@code mixed}, any case
     * @return the kind
     * @throws InvalidConfigurationException naming the PID, key, value and the accepted values
     */
    static PanicKind parse(String value) {
        if (value != null) {
            for (PanicKind k : values()) {
                if (k.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
                    return k;
                }
            }
        }
        throw new InvalidConfigurationException(PanicInjectorConfig.PID, "kind", value,
                "must be exception, error or mixed");
    }
}
