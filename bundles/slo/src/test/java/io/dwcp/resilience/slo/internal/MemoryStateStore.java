package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link StateStore} for tests; it can be told to fail. */
final class MemoryStateStore implements StateStore {

    final Map<String, byte[]> records = new ConcurrentHashMap<>();
    volatile boolean failSaves;
    int saves;

    @Override
    public Optional<byte[]> load(String key) {
        byte[] r = records.get(key);
        return Optional.ofNullable(r == null ? null : r.clone());
    }

    @Override
    public synchronized void save(String key, byte[] record) throws IOException {
        if (record.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + record.length + " bytes");
        }
        if (failSaves) {
            throw new IOException("disk full");
        }
        saves++;
        records.put(key, record.clone());
    }

    @Override
    public boolean delete(String key) {
        return records.remove(key) != null;
    }

    @Override
    public Set<String> keys() {
        return new TreeSet<>(records.keySet());
    }
}
