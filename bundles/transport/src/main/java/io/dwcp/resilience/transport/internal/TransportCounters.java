package io.dwcp.resilience.transport.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The transport's counters: striped adders, summed when read. */
final class TransportCounters {

    final LongAdder messagesOut = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder resends = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder backPressured = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> refused = new ConcurrentHashMap<>();

    void refused(String reason) {
        refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }


    Map<String, Long> refusedByReason() {
        Map<String, Long> out = new TreeMap<>();
        refused.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
