package io.dwcp.resilience.ratelimiter.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The saved state of an adaptive limiter: a small properties text (readable with {@code cat}),
 * e.g. {@code strategy=adaptive}, {@code rate=850.5}. Unknown keys are ignored and a value that
 * does not parse reads as absent, so a record written by another version never breaks activation.
 */
public final class StateRecord {

    /** Key of the strategy that wrote the record. */
    public static final String STRATEGY = "strategy";

    private final Properties values;

    private StateRecord(Properties values) {
        this.values = values;
    }

    /**
     * @param values key/value pairs
     * @return the record's bytes
     */
    public static byte[] encode(Map<String, String> values) {
        StringWriter out = new StringWriter();
        for (Map.Entry<String, String> e : values.entrySet()) {
            out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param bytes a record
     * @return it, parsed
     */
    public static StateRecord decode(byte[] bytes) {
        Properties p = new Properties();
        try {
            p.load(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            // a malformed \\u escape: treat as empty
        }
        return new StateRecord(p);
    }

    /** @return the strategy that wrote it, or "" */
    public String strategy() {
        return values.getProperty(STRATEGY, "");
    }

    /**
     * @param key a key
     * @return its value, or empty
     */
    public java.util.Optional<String> text(String key) {
        return java.util.Optional.ofNullable(values.getProperty(key));
    }

    /**
     * @param key a key
     * @return its finite numeric value, or empty
     */
    public OptionalDouble decimal(String key) {
        String raw = values.getProperty(key);
        if (raw == null) {
            return OptionalDouble.empty();
        }
        try {
            double v = Double.parseDouble(raw.trim());
            return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * @param key a key
     * @return its whole-number value, or empty
     */
    public OptionalLong whole(String key) {
        String raw = values.getProperty(key);
        if (raw == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
