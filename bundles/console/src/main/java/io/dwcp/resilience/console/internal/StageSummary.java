package io.dwcp.resilience.console.internal;

import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.view.StageView;

/** One line saying what state a stage is in, from its figures, in the words an operator uses. */
final class StageSummary {

    private StageSummary() {
    }

    static String of(StageView stage) {
        MetricsSnapshot m = stage.figures();
        if (m == null) {
            return "";
        }
        return of(stage.descriptor().kind(), m);
    }

    /** @return the line of one snapshot of a stage of {@code kind} ({@code null} for a kind of its own) */
    static String of(StageKind kind, MetricsSnapshot m) {
        if (kind == null) {
            return figures(m);
        }
        if (m.values().containsKey("peers")) {
            // scope = peer: the whole operation's figures count peers; each peer has a line of its own
            return "per peer: " + Units.number(m.values().get("peers")) + " of at most " + Units.number(m.values().get("maxPeers"))
                    + (m.values().containsKey("openPeers") ? ", " + Units.number(m.values().get("openPeers")) + " open" : "");
        }
        switch (kind) {
            case CIRCUIT_BREAKER:
                return breakerState(m) + ", failure rate " + Units.percent(m.value("failureRate")) + " %";
            case RATE_LIMIT:
                if (m.values().containsKey("limit")) {
                    return "limit " + Units.number(m.values().get("limit")) + ", in flight "
                            + Units.number(m.values().get("inflight")) + " (" + m.source() + ")";
                }
                return "rate " + Units.number(m.values().get("rate")) + "/s, burst " + Units.number(m.values().get("burst"))
                        + " (" + m.source() + ")";
            case BULKHEAD:
                return "in use " + Units.number(m.values().get("active")) + "/" + Units.number(m.values().get("maxConcurrentCalls"))
                        + ", queued " + Units.number(m.values().get("queued")) + "/" + Units.number(m.values().get("queueCapacity"));
            case TIMEOUT:
                return "timeout " + Units.millis(m.value("currentTimeoutMillis")) + " ms";
            case RETRY:
                return "max " + Units.number(m.values().get("maxRetries")) + " retries";
            case LOAD_SHED:
                double level = m.value("level");
                return "level " + (Double.isNaN(level) ? "-" : io.dwcp.resilience.api.degradation.DegradationLevel.ofOrdinal((int) level))
                        + ", shedding " + Units.percent(m.value("shedProbability")) + " %";
            default:
                return "";
        }
    }

    /** A kind of its own: its first figures as they are named, since only its author knows their words. */
    static String figures(MetricsSnapshot m) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (java.util.Map.Entry<String, Number> e : m.values().entrySet()) {
            if (shown++ == 4) {
                b.append(", ...");
                break;
            }
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(Units.number(e.getValue()));
        }
        return b.toString();
    }

    /** @return the breaker state named by the snapshot's {@code state} code, or '-' */
    static String breakerState(MetricsSnapshot m) {
        double code = m.value("state");
        if (Double.isNaN(code) && m.values().containsKey("openPeers")) {
            return "per peer: " + Units.number(m.values().get("openPeers")) + "/" + Units.number(m.values().get("peers")) + " open";
        }
        if (Double.isNaN(code)) {
            return "-";
        }
        for (CircuitBreakerState s : CircuitBreakerState.values()) {
            if (s.code() == (int) code) {
                return s.name();
            }
        }
        return "state " + (int) code;
    }
}
