package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.api.state.StateStore;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A StateStore that keeps records in memory, standing in for the durable one. */
final class InMemoryStateStore implements StateStore {

    final Map<String, byte[]> records = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> load(String key) {
        return Optional.ofNullable(records.get(key)).map(byte[]::clone);
    }

    @Override
    public void save(String key, byte[] record) {
        records.put(key, record.clone());
    }

    @Override
    public boolean delete(String key) {
        return records.remove(key) != null;
    }

    @Override
    public Set<String> keys() {
        return Set.copyOf(records.keySet());
    }
}
