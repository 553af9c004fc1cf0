package io.dwcp.resilience.degradation.internal;

import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.kit.StateCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Overrides as a kit {@link StateCodec} record (kind {@code degradation}, version 1) under
 * {@code degradation/overrides}: fields {@code count} and, per override {@code i},
 * {@code <i>.component}, {@code <i>.level}, {@code <i>.expires} (epoch millis) and {@code <i>.reason}.
 */
final class OverrideCodec {

    /** The state store key. */
    static final String KEY = StateCodec.key("degradation", "overrides");

    private static final String KIND = "degradation";
    private static final int VERSION = 1;

    private OverrideCodec() {
    }

    static byte[] encode(List<OverrideRecord> records) {
        Map<String, String> fields = new HashMap<>();
        fields.put("count", Integer.toString(records.size()));
        for (int i = 0; i < records.size(); i++) {
            OverrideRecord r = records.get(i);
            fields.put(i + ".component", r.component());
            fields.put(i + ".level", r.level().name());
            fields.put(i + ".expires", Long.toString(r.expiresMillis()));
            fields.put(i + ".reason", r.reason().replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
        }
        return StateCodec.encode(KIND, VERSION, fields);
    }

    /**
     * @param bytes a record
     * @return the overrides
     * @throws IllegalArgumentException when it is not a record this version wrote
     */
    static List<OverrideRecord> decode(byte[] bytes) {
        Map<String, String> fields;
        try {
            fields = StateCodec.decode(KIND, VERSION, bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a degradation override record: " + e.getMessage());
        }
        List<OverrideRecord> records = new ArrayList<>();
        int count = (int) number(fields, "count");
        for (int i = 0; i < count; i++) {
            String component = fields.get(i + ".component");
            String reason = fields.get(i + ".reason");
            if (component == null || reason == null) {
                throw new IllegalArgumentException("override " + i + " has no component or reason");
            }
            records.add(new OverrideRecord(component, DegradationLevel.parse(String.valueOf(fields.get(i + ".level"))),
                    number(fields, i + ".expires"), reason));
        }
        return records;
    }

    private static long number(Map<String, String> fields, String name) {
        try {
            return Long.parseLong(String.valueOf(fields.get(name)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + fields.get(name) + "' is not a number");
        }
    }
}
