package io.dwcp.resilience.api.state;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps small state records durably, outside the bundle that wrote them, so that a replacement
 * provider of the same stage finds them: a circuit breaker keyed {@code circuit-breaker/send} is
 * restored by whichever bundle provides the {@code circuit-breaker} stage for {@code send} next.
 *
 * <p>Writes are atomic (a reader sees the old record or the new one, never a torn one) and
 * durable once {@link #save} returns. Every record is checksummed: a torn or corrupt record is never
 * returned; it is set aside (renamed, not deleted), reported in the log and as an event, and
 * {@link #load} answers empty so the caller starts fresh.
 *
 * <p>Keys are 1-128 characters of {@code [A-Za-z0-9._/-]}, by convention
 * {@code <stage kind or component>/<operation>}. Records are meant to be small (at most 1 MiB).
 * Not for the call path: a save costs a file write.
 */
@ProviderType
public interface StateStore {

    /** Largest record accepted, in bytes. */
    int MAX_RECORD_BYTES = 1 << 20;

    /**
     * @param key the record's key
     * @return the last record saved under {@code key}, or empty when there is none or it was corrupt
     * @throws IOException when the record exists but cannot be read
     * @throws IllegalArgumentException for an invalid key
     */
    Optional<byte[]> load(String key) throws IOException;

    /**
     * Replaces the record under {@code key} atomically and durably.
     *
     * @param key    the record's key
     * @param record the bytes to keep, at most {@link #MAX_RECORD_BYTES}
     * @throws IOException when it cannot be written; the previous record is then still in place
     * @throws IllegalArgumentException for an invalid key or an oversized record
     */
    void save(String key, byte[] record) throws IOException;

    /**
     * @param key the record's key
     * @return whether a record was removed
     * @throws IOException when it cannot be removed
     */
    boolean delete(String key) throws IOException;

    /** @return the keys of all records kept */
    Set<String> keys();
}
