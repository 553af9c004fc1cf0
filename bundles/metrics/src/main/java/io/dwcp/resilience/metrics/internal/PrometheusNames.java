package io.dwcp.resilience.metrics.internal;

import java.util.Locale;

/**
 * Turns the API's figure names (lowerCamelCase, with units such as {@code Millis}) into Prometheus
 * names: snake_case, base units (seconds, ratios), no reserved suffix on a gauge.
 */
final class PrometheusNames {

    private PrometheusNames() {
    }

    /** A Prometheus name and the factor that converts the figure to its base unit. */
    record Converted(String name, double factor) {
    }

    /** @return the metric family name of figure {@code figure} of source {@code source} */
    static Converted gauge(String source, String figure) {
        double factor = 1;
        String base = figure;
        String unit = "";
        if (base.endsWith("Millis")) {
            base = base.substring(0, base.length() - 6);
            factor = 1e-3;
            unit = "_seconds";
        } else if (base.endsWith("Nanos")) {
            base = base.substring(0, base.length() - 5);
            factor = 1e-9;
            unit = "_seconds";
        } else if (base.endsWith("Seconds")) {
            base = base.substring(0, base.length() - 7);
            unit = "_seconds";
        } else if (base.endsWith("Percent")) {
            base = base.substring(0, base.length() - 7);
            factor = 1e-2;
            unit = "_ratio";
        }
        String name = "dwcp_" + sourceName(source) + "_" + snake(base) + unit;
        for (String reserved : new String[] { "_total", "_count", "_sum", "_bucket", "_created", "_info" }) {
            if (name.endsWith(reserved)) {
                name = name + "_value";
                break;
            }
        }
        return new Converted(name.replaceAll("__+", "_"), factor);
    }

    /** @return the source as a name part: {@code circuit-breaker} → {@code circuitbreaker}; a strategy after '.' is dropped */
    static String sourceName(String source) {
        int dot = source.indexOf('.');
        String kind = dot < 0 ? source : source.substring(0, dot);
        return kind.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** @return the strategy of a {@code kind.strategy} source, or null */
    static String strategy(String source) {
        int dot = source.indexOf('.');
        return dot < 0 ? null : source.substring(dot + 1);
    }

    /** @return {@code lowerCamelCase} and {@code with_underscores} as {@code lower_camel_case} */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c)) {
                b.append(c);
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                b.append('_');
            }
        }
        return b.toString();
    }

    /** @return the label that names what a snapshot of this source is about */
    static String subjectLabel(String source) {
        return switch (source) {
            case "health" -> "check";
            case "degradation" -> "component";
            default -> "operation";
        };
    }
}
