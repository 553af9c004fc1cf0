package io.dwcp.resilience.api.slo;

/** What a budget counts as a bad event. */
public enum BudgetKind {
    /** Calls that failed (failures, timeouts and, unless configured otherwise, rejections). */
    ERROR("error"),
    /** Successful calls slower than the latency objective's threshold. */
    LATENCY("latency");

    private final String id;

    BudgetKind(String id) {
        this.id = id;
    }

    /** @return the lower-case name used in events, metrics and state records */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
