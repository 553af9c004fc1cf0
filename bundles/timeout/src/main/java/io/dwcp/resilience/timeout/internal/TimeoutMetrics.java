package io.dwcp.resilience.timeout.internal;

import io.dwcp.resilience.kit.StripedAdder;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one operation's timeout stage. */
final class TimeoutMetrics {

    /** Calls that completed within their deadline. */
    /** Striped per thread: on every successful call (a LongAdder's one word bounced between threads). */
    final StripedAdder successes = new StripedAdder();
    /** Calls that ran out of time (thrown at the deadline, or completed after it). */
    final LongAdder timeouts = new LongAdder();
    /** Calls that failed within their deadline. */
    final LongAdder failures = new LongAdder();
    /** Of the timeouts: calls that returned a result after their deadline, which was discarded. */
    final LongAdder lateResults = new LongAdder();
    /** Of the timeouts: forced-mode calls interrupted at the deadline. */
    final LongAdder interrupted = new LongAdder();
}
