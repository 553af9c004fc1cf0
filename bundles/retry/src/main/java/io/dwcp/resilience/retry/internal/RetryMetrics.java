package io.dwcp.resilience.retry.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import io.dwcp.resilience.kit.StripedAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one operation's retry stage. The four call counters carry Resilience4j's names
 * (without its {@code numberOf} prefix) so dashboards built for it read ours the same way.
 */
final class RetryMetrics {

    /** Striped per thread: on every successful call (a LongAdder's one word bounced between threads). */
    final StripedAdder successfulCallsWithoutRetryAttempt = new StripedAdder();
    final LongAdder successfulCallsWithRetryAttempt = new LongAdder();
    final LongAdder failedCallsWithoutRetryAttempt = new LongAdder();
    final LongAdder failedCallsWithRetryAttempt = new LongAdder();
    final LongAdder retryAttempts = new LongAdder();
    final LongAdder retriesDeniedByBudget = new LongAdder();
    final LongAdder retriesAbandonedAtDeadline = new LongAdder();
    final LongAdder retriesInterrupted = new LongAdder();

    /** @return the figures by name, in a stable order */
    Map<String, Number> values() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("successfulCallsWithoutRetryAttempt", successfulCallsWithoutRetryAttempt.sum());
        values.put("successfulCallsWithRetryAttempt", successfulCallsWithRetryAttempt.sum());
        values.put("failedCallsWithoutRetryAttempt", failedCallsWithoutRetryAttempt.sum());
        values.put("failedCallsWithRetryAttempt", failedCallsWithRetryAttempt.sum());
        values.put("retryAttempts", retryAttempts.sum());
        values.put("retriesDeniedByBudget", retriesDeniedByBudget.sum());
        values.put("retriesAbandonedAtDeadline", retriesAbandonedAtDeadline.sum());
        values.put("retriesInterrupted", retriesInterrupted.sum());
        return values;
    }
}
