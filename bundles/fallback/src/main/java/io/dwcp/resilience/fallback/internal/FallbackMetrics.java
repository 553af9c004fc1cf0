package io.dwcp.resilience.fallback.internal;

import java.util.concurrent.atomic.LongAdder;

/** What the fallback stage did for one operation; striped counters, summed when read. */
final class FallbackMetrics {
    final LongAdder failures = new LongAdder();
    final LongAdder byPeer = new LongAdder();
    final LongAdder byLastGood = new LongAdder();
    final LongAdder byStatic = new LongAdder();
    final LongAdder unanswered = new LongAdder();
}
