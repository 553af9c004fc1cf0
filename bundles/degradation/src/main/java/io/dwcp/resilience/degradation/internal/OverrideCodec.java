package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Overrides as a small text record for the state store: a version line, then one line per override,
 * {@code component TAB level TAB expiresMillis TAB reason}. The store checksums records; this only
 * has to refuse what it does not understand.
 */
final class OverrideCodec {

    /** The state store key. */
    static final String KEY = "degradation/overrides";

    private static final String VERSION = "dwcp-degradation-overrides 1";

    private OverrideCodec() {
    }

    static byte[] encode(List<OverrideRecord> records) {
        StringBuilder text = new StringBuilder(VERSION).append('\n');
        for (OverrideRecord r : records) {
            text.append(clean(r.component())).append('\t').append(r.level().name()).append('\t').append(r.expiresMillis())
                    .append('\t').append(clean(r.reason())).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param bytes a record
     * @return the overrides
     * @throws IllegalArgumentException when it is not a record this version wrote
     */
    static List<OverrideRecord> decode(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a degradation override record (first line '"
                    + (lines.length == 0 ? "" : lines[0]) + "')");
        }
        List<OverrideRecord> records = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] fields = lines[i].split("\t", 4);
            if (fields.length != 4) {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + fields.length + " fields, not 4");
            }
            try {
                records.add(new OverrideRecord(fields[0], DegradationLevel.parse(fields[1]), Long.parseLong(fields[2]), fields[3]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expiry '" + fields[2] + "' is not a number");
            }
        }
        return records;
    }

    private static String clean(String text) {
        return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
