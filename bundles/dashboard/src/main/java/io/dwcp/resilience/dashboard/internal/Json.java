package io.dwcp.resilience.dashboard.internal;

import java.util.Collection;
import java.util.Map;

/**
 * Writes JSON into a {@link StringBuilder}: the page's model is a few kilobytes of numbers and names, so
 * a writer this small is all it needs (and one less library to provision in two containers). Commas
 * are placed automatically; non-finite numbers become {@code null}, which JSON has no other way to say.
 */
final class Json {

    private final StringBuilder out = new StringBuilder(8192);
    /** Whether the innermost open object or array has an element already. */
    private boolean[] hasElement = new boolean[32];
    private int depth;
    /** Set after a name: the next value belongs to it and needs no comma. */
    private boolean afterName;

    Json beginObject() {
        beforeValue();
        out.append('{');
        push();
        return this;
    }

    Json endObject() {
        depth--;
        out.append('}');
        return this;
    }

    Json beginArray() {
        beforeValue();
        out.append('[');
        push();
        return this;
    }

    Json endArray() {
        depth--;
        out.append(']');
        return this;
    }

    Json name(String name) {
        beforeValue();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    Json value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    Json value(boolean b) {
        beforeValue();
        out.append(b);
        return this;
    }

    Json value(double d) {
        beforeValue();
        if (Double.isFinite(d)) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d);
            } else {
                out.append(d);
            }
        } else {
            out.append("null");
        }
        return this;
    }

    /** Writes a number, a string, a boolean, a map (as an object), a collection (as an array) or null. */
    Json value(Object o) {
        if (o == null) {
            return value((String) null);
        } else if (o instanceof Double || o instanceof Float) {
            return value(((Number) o).doubleValue());
        } else if (o instanceof Number) {
            return value(((Number) o).longValue());
        } else if (o instanceof Boolean) {
            return value(((Boolean) o).booleanValue());
        } else if (o instanceof Map<?, ?> map) {
            beginObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                name(String.valueOf(e.getKey())).value(e.getValue());
            }
            return endObject();
        } else if (o instanceof Collection<?> items) {
            beginArray();
            for (Object item : items) {
                value(item);
            }
            return endArray();
        } else if (o instanceof Object[] items) {
            beginArray();
            for (Object item : items) {
                value(item);
            }
            return endArray();
        }
        return value(String.valueOf(o));
    }

    Json field(String name, String v) {
        return name(name).value(v);
    }

    Json field(String name, long v) {
        return name(name).value(v);
    }

    Json field(String name, double v) {
        return name(name).value(v);
    }

    Json field(String name, boolean v) {
        return name(name).value(v);
    }

    Json field(String name, Object v) {
        return name(name).value(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void push() {
        if (++depth == hasElement.length) {
            hasElement = java.util.Arrays.copyOf(hasElement, depth * 2);
        }
        hasElement[depth] = false;
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasElement[depth]) {
                out.append(',');
            }
            hasElement[depth] = true;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // '<' escaped so that no value can close a <script> element if the JSON is ever inlined
                case '<' -> out.append("\\u003c");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
