package io.dwcp.resilience.kit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The one format of saved stage state: a versioned list of named text fields, so that every
 * stage's record can be read by a person ({@code dwcp-state} header, then {@code name=value}
 * lines) and a record written by another version is recognised instead of misread.
 *
 * <pre>
 * dwcp-state=1
 * kind=circuit-breaker
 * version=2
 * state=OPEN
 * ...
 * </pre>
 * Keys follow the {@code StateStore} convention {@code <kind>/<operation>} ({@link #key}).
 */
public final class StateCodec {

    /** The version of this envelope. */
    public static final int FORMAT = 1;

    private StateCodec() {
    }

    /** @return the store key of a stage kind's state for one operation (or operation and peer) */
    public static String key(String kind, String operation) {
        return kind + "/" + operation;
    }

    /**
     * @return the store key of a stage kind's state for one peer of one operation:
     *         {@code <kind>/<operation>/peer/<peer>}, the peer's characters outside
     *         {@code [A-Za-z0-9.-]} (and a leading '.') written {@code _xx} (hex), so any node id or
     *         address makes a valid key (at most 128 characters in all: keep peer names short)
     * @since 1.1
     */
    public static String key(String kind, String operation, String peer) {
        StringBuilder b = new StringBuilder(kind).append('/').append(operation).append("/peer/");
        if (peer.isEmpty()) {
            return b.append('_').toString();
        }
        int start = b.length();
        for (byte c : peer.getBytes(StandardCharsets.UTF_8)) {
            // '.' may not start a key segment ("..")
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || (c == '.' && b.length() > start)) {
                b.append((char) c);
            } else {
                b.append('_').append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return b.toString();
    }

    /**
     * @param kind    the stage kind (or component) that owns the record
     * @param version the version of the record's fields, as the owner defines them
     * @param fields  the fields; names are not {@code dwcp-state}, {@code kind} or {@code version}
     * @return the bytes to save
     */
    public static byte[] encode(String kind, int version, Map<String, String> fields) {
        StringBuilder out = new StringBuilder("dwcp-state=").append(FORMAT).append('\n')
                .append("kind=").append(kind).append('\n').append("version=").append(version).append('\n');
        new TreeMap<>(fields).forEach((name, value) -> out.append(escape(name)).append('=').append(escape(value)).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param kind    the kind expected
     * @param version the field version expected
     * @param bytes   what the store returned
     * @return the fields
     * @throws IOException when the record is not a {@code dwcp-state} record of that kind and version
     */
    public static Map<String, String> decode(String kind, int version, byte[] bytes) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        if (!String.valueOf(FORMAT).equals(p.getProperty("dwcp-state"))) {
            throw new IOException("not a dwcp-state record of format " + FORMAT);
        }
        if (!kind.equals(p.getProperty("kind"))) {
            throw new IOException("a record of kind " + p.getProperty("kind") + ", expected " + kind);
        }
        if (!String.valueOf(version).equals(p.getProperty("version"))) {
            throw new IOException("a record of version " + p.getProperty("version") + ", expected " + version);
        }
        Map<String, String> fields = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (!name.equals("dwcp-state") && !name.equals("kind") && !name.equals("version")) {
                fields.put(name, p.getProperty(name));
            }
        }
        return fields;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
