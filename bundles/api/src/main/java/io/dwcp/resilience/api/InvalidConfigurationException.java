package io.dwcp.resilience.api;

/**
 * A configuration value was refused. The message names the PID, the key, the value and the reason,
 * so that the log line alone tells an operator what to fix. Components throw it from validation and
 * keep their previous configuration in force.
 */
public class InvalidConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String pid;
    private final String key;
    private final String value;
    private final String reason;

    /**
     * @param pid    the configuration PID, e.g. {@code dwcp.manager}
     * @param key    the offending key
     * @param value  the offending value (shown as text)
     * @param reason why it was refused
     */
    public InvalidConfigurationException(String pid, String key, Object value, String reason) {
        super("configuration " + pid + " refused: " + key + "=" + value + ": " + reason
                + "; the previous configuration stays in force");
        this.pid = pid;
        this.key = key;
        this.value = String.valueOf(value);
        this.reason = reason;
    }

    /** @return the PID of the refused configuration */
    public String pid() {
        return pid;
    }

    /** @return the key whose value was refused */
    public String key() {
        return key;
    }

    /**
     * @return the refused value as text ({@code "null"} for a missing required value)
     * @since 1.2
     */
    public String value() {
        return value;
    }

    /**
     * @return why the value was refused, without PID, key or value
     * @since 1.2
     */
    public String reason() {
        return reason;
    }
}
