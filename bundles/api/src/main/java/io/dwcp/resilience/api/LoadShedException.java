package io.dwcp.resilience.api;

/** The degradation manager shed the call to protect more important traffic. */
public class LoadShedException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String level;

    /**
     * @param operation the operation
     * @param level     the degradation level, e.g. {@code SEVERELY_DEGRADED}
     * @param detail    e.g. the shedding probability; may be empty
     */
    public LoadShedException(String operation, String level, String detail) {
        super(operation, "shed at degradation level " + level + (detail.isEmpty() ? "" : " (" + detail + ")"), null, false);
        this.level = level;
    }

    @Override
    public boolean isRejection() {
        return true;
    }

    /** @return the degradation level that shed the call */
    public String level() {
        return level;
    }
}
