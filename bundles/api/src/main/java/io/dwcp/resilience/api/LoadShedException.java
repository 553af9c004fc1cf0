package io.dwcp.resilience.api;

import java.util.function.Supplier;

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

    /**
     * A rejection whose detail is built only if the message is read.
     *
     * @param operation the operation
     * @param level     the degradation level, e.g. {@code SEVERELY_DEGRADED}
     * @param detail    builds the detail (may build an empty one); capture values, not live state
     * @since 1.4
     */
    public LoadShedException(String operation, String level, Supplier<String> detail) {
        super(operation, detail, null, false);
        this.level = level;
    }

    @Override
    protected String reasonOf(String detail) {
        return "shed at degradation level " + level + (detail.isEmpty() ? "" : " (" + detail + ")");
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
