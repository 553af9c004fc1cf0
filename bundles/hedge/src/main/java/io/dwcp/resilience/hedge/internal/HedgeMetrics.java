package io.dwcp.resilience.hedge.internal;

import java.util.concurrent.atomic.LongAdder;

/** What the hedge stage did for one operation; striped counters, summed when read. */
final class HedgeMetrics {
    final LongAdder calls = new LongAdder();
    final LongAdder hedges = new LongAdder();
    final LongAdder hedgeWins = new LongAdder();
    final LongAdder deniedByBudget = new LongAdder();
    final LongAdder noThread = new LongAdder();
}
