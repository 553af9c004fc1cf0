package io.dwcp.resilience.api.transport;

/**
 * The transport's mode, chosen from the measured round-trip times as DWCP defines it, with hysteresis
 * so it does not flap around a threshold.
 */
public enum TransportMode {
    /** Every connected peer's RTT below {@code mode.datacenter.rtt.ms} (10 ms): low latency, small batches. */
    DATACENTER,
    /** Between the two thresholds, or peers of both kinds. */
    HYBRID,
    /** RTT above {@code mode.internet.rtt.ms} (50 ms): compression and more streams pay off. */
    INTERNET
}
