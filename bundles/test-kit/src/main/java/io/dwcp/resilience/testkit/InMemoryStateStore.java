package io.dwcp.resilience.testkit;

import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A {@link StateStore} in memory, standing in for the durable one: it checks keys and sizes as the
 * real store does, and can be told to fail ({@link #failWrites}) to test what a stage does then.
 */
public final class InMemoryStateStore implements StateStore {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]{1,128}");

    private final Map<String, byte[]> records = new ConcurrentHashMap<>();
    private volatile boolean failWrites;

    @Override
    public Optional<byte[]> load(String key) {
        check(key);
        return Optional.ofNullable(records.get(key)).map(byte[]::clone);
    }

    @Override
    public void save(String key, byte[] record) throws IOException {
        check(key);
        if (record.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + record.length + " bytes under " + key);
        }
        if (failWrites) {
            throw new IOException("writes fail (test)");
        }
        records.put(key, record.clone());
    }

    @Override
    public boolean delete(String key) {
        check(key);
        return records.remove(key) != null;
    }

    @Override
    public Set<String> keys() {
        return Set.copyOf(records.keySet());
    }

    /** @param fail whether {@link #save} throws from now on */
    public void failWrites(boolean fail) {
        failWrites = fail;
    }

    /** @return the raw records, for assertions */
    public Map<String, byte[]> records() {
        return records;
    }

    private static void check(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid state key " + key);
        }
    }
}
